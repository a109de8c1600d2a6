package io.pipekit.bench.worker;

import io.pipekit.local.EmbeddedSqs;

/**
 * The child JVM that hosts ElasticMQ, so that the server's CPU is measured apart from the consumer's
 * and the two do not share a heap, a JIT or a garbage collector. Prints its endpoint, then serves
 * until its standard input closes (the harness closing it, or the harness dying).
 */
public final class SqsServerProcess {

    private SqsServerProcess() {
    }

    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent();
        try (EmbeddedSqs server = EmbeddedSqs.start()) {
            ChildJvm.reply("endpoint " + server.endpoint());
            while (System.in.read() >= 0) {
                // nothing is sent; end of input means stop
            }
        }
        System.exit(0);
    }
}

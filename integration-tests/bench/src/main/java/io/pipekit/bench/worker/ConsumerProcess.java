package io.pipekit.bench.worker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The child JVM that runs one kind of consumer. Reads {@code drain <queueUrl> <messages>} lines; for
 * each it starts the consumer, waits until that many deletes are acknowledged, answers
 * {@code done <nanos> <cpuNanos> <op>=<calls>,...} and stops the consumer in the background (joined
 * before the next drain, so a stopping consumer never overlaps a measured one; pipekit's idle long
 * polls on the last drain's empty queue may still be open, and {@link CallCounter} leaves them out).
 *
 * <pre>ConsumerProcess &lt;consumer&gt; &lt;endpoint&gt;</pre>
 */
public final class ConsumerProcess {

    private ConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        ChildJvm.exitWithParent();
        Consumer consumer = Consumer.valueOf(args[0]);
        URI endpoint = URI.create(args[1]);
        CallCounter counter = new CallCounter();
        CompletableFuture<Void> stopping = CompletableFuture.completedFuture(null);
        try (AutoCloseable client = consumer.client(endpoint, counter)) {
            ChildJvm.reply("ready");
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = commands.readLine()) != null; ) {
                String[] command = line.split(" ");
                String queueUrl = command[1];
                long messages = Long.parseLong(command[2]);
                stopping.join();
                counter.arm(queueUrl, messages);
                long cpu = ChildJvm.processCpuNanos();
                long start = System.nanoTime();
                Consumer.Running running = consumer.start(client, queueUrl);
                CallCounter.Window window = counter.await();
                stopping = CompletableFuture.runAsync(() -> {
                    try {
                        running.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                System.err.println(consumer + " mean requests outstanding: " + window.meanOutstanding().entrySet().stream()
                        .map(e -> e.getKey() + " " + String.format("%.1f", e.getValue())).collect(Collectors.joining(", ")));
                ChildJvm.reply("done " + (window.endNanos() - start) + " " + (window.cpuNanos() - cpu) + " "
                        + window.calls().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
            }
            stopping.join();
        }
        System.exit(0);
    }
}

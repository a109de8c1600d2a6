package io.pipekit.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The emulator's start survives its port being taken by another server before {@code node} binds it. */
class EmbeddedKinesisTest {

    /**
     * The default backend only: starting kinesalite switches CBOR off for the whole JVM, which would
     * change what other tests in this fork send. Both backends share the readiness check.
     */
    @Test
    void aPortTakenBeforeTheChildBindsItIsReplacedByAFreshOne() throws Exception {
        KinesisBackend backend = KinesisBackend.KINESIS_MOCK;
        // what ElasticMQ did in CI: it got the picked port first and answered every Kinesis call with a 500
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        other.start();
        int taken = other.getAddress().getPort();
        List<Integer> offered = new ArrayList<>();
        try (EmbeddedKinesis kinesis = EmbeddedKinesis.start(backend, () -> {
            int port = offered.isEmpty() ? taken : FreePort.pick();
            offered.add(port);
            return port;
        }); KinesisClient client = kinesis.newClient()) {
            assertThat(offered).hasSize(2).startsWith(taken);
            assertThat(kinesis.endpoint().getPort()).isEqualTo(offered.get(1));
            assertThat(client.listStreams().streamNames()).isEmpty();
        } finally {
            other.stop(0);
        }
    }
}

package io.pipekit.worker.main;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.worker.testing.ElasticMq;
import io.pipekit.worker.testing.WorkerMainEnvironment;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Start-up errors: one clear line naming the fix, and a non-zero exit — never a stack-trace soup. */
class WorkerMainTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    @RegisterExtension
    final WorkerMainEnvironment main = new WorkerMainEnvironment();

    @Test
    void missingQueueIsAConfigurationError() {
        assertThat(WorkerMain.run(Map.of(), StopSignals::manual)).isEqualTo(WorkerMain.EXIT_CONFIG);
        assertThat(main.stderr()).startsWith("pipekit: configuration error: COPILOT_QUEUE_URI").contains("PIPEKIT_QUEUE_URLS");
        assertThat(main.stderr().lines()).hasSize(1);
    }

    @Test
    void unknownHandlerClassIsAConfigurationError() {
        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", "http://127.0.0.1:1/000000000000/q", "PIPEKIT_HANDLER", "com.example.Nope"), StopSignals::manual);
        assertThat(exit).isEqualTo(WorkerMain.EXIT_CONFIG);
        assertThat(main.stderr()).contains("PIPEKIT_HANDLER").contains("com.example.Nope");
    }

    @Test
    void aQueueThatDoesNotExistStopsTheWorkerAtStartUp() {
        System.setProperty("aws.endpointUrlSqs", sqs.server().endpoint().toString());
        String missing = sqs.server().endpoint() + "/000000000000/does-not-exist";

        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", missing, "PIPEKIT_WAIT_TIME", "1s"), StopSignals::manual);

        assertThat(exit).isEqualTo(WorkerMain.EXIT_UNREACHABLE);
        assertThat(main.stderr()).contains("queue does not exist").contains("does-not-exist");
    }

    @Test
    void anUnreachableEndpointStopsTheWorkerAtStartUp() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        System.setProperty("aws.endpointUrlSqs", "http://127.0.0.1:" + closedPort);

        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", "http://127.0.0.1:" + closedPort + "/000000000000/q",
                "PIPEKIT_WAIT_TIME", "1s"), StopSignals::manual);

        assertThat(exit).isEqualTo(WorkerMain.EXIT_UNREACHABLE);
        assertThat(main.stderr()).contains("cannot connect to the SQS endpoint").contains("AWS_ENDPOINT_URL");
    }
}

package io.pipekit.worker.main;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.worker.testing.ElasticMq;
import io.pipekit.worker.testing.WorkerMainEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PIPEKIT_MODE=sqsd hook in WorkerMain: sqsd settings are checked at start-up like every other setting. */
class WorkerMainSqsdTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    @RegisterExtension
    final WorkerMainEnvironment main = new WorkerMainEnvironment();

    @Test
    void anUnknownModeIsAConfigurationError() {
        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", "http://127.0.0.1:1/000000000000/q", "PIPEKIT_MODE", "lambda"), StopSignals::manual);
        assertThat(exit).isEqualTo(WorkerMain.EXIT_CONFIG);
        assertThat(main.stderr()).startsWith("pipekit: configuration error: PIPEKIT_MODE: 'lambda' is not a mode");
    }

    @Test
    void aRemoteForwardTargetIsRefusedWithOneLine() {
        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", "http://127.0.0.1:1/000000000000/q", "PIPEKIT_MODE", "sqsd",
                "PIPEKIT_SQSD_URL", "http://10.1.2.3:8080/"), StopSignals::manual);
        assertThat(exit).isEqualTo(WorkerMain.EXIT_CONFIG);
        assertThat(main.stderr()).startsWith("pipekit: configuration error: PIPEKIT_SQSD_URL: 'http://10.1.2.3:8080/' is not a loopback address");
        assertThat(main.stderr().lines()).hasSize(1);
    }

    @Test
    void anAppThatNeverBecomesHealthyStopsTheWorkerBeforeItConsumes() {
        String queue = sqs.queue("sqsd-main-unhealthy");
        sqs.send(queue, java.util.List.of("must stay"));
        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", queue, "PIPEKIT_MODE", "sqsd",
                "PIPEKIT_SQSD_URL", "http://127.0.0.1:1/", "PIPEKIT_SQSD_HEALTH_URL", "/health", "PIPEKIT_SQSD_HEALTH_TIMEOUT", "1500ms"), StopSignals::manual);
        assertThat(exit).isEqualTo(WorkerMain.EXIT_CONFIG);
        assertThat(main.stderr()).startsWith("pipekit: configuration error: PIPEKIT_SQSD_HEALTH_URL: the app did not answer 200");
        assertThat(sqs.visible(queue)).isEqualTo(1); // never received
    }

    @Test
    void sqsdModeThenRunsTheEnginesStartUpChecks() {
        System.setProperty("aws.endpointUrlSqs", sqs.server().endpoint().toString());
        String missing = sqs.server().endpoint() + "/000000000000/does-not-exist";

        int exit = WorkerMain.run(Map.of("COPILOT_QUEUE_URI", missing, "PIPEKIT_WAIT_TIME", "1s", "PIPEKIT_MODE", "sqsd"), StopSignals::manual);

        assertThat(exit).isEqualTo(WorkerMain.EXIT_UNREACHABLE);
    }
}

package {{package}};

import static org.assertj.core.api.Assertions.assertThat;

{{testImports}}
import io.pipekit.testkit.LocalPipekit;
import io.pipekit.testkit.PipekitTest;
import io.pipekit.testkit.RunningWorker;
import io.pipekit.testkit.Subscriptions;
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.sqsd.SqsdSidecar;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {{name}} on pipekit's embedded AWS stack (no account, no Docker): subscriptions.yml applied as
 * `pipekit apply` would, the pipekit worker in sqsd mode POSTing to the app, and an event sent the
 * way production sends it.
 */
@PipekitTest{{testAnnotationArgs}}
class {{Class}}AppTest {

    private static Subscriptions subscriptions;
    private final List<{{Class}}Event> seen = new CopyOnWriteArrayList<>();
    private {{Class}}App app;

    @BeforeAll
    static void applySubscriptions(LocalPipekit pipekit) {
{{testSetup}}
        subscriptions = pipekit.apply("subscriptions.yml");
    }

    @BeforeEach
    void startTheApp() throws IOException {
        app = new {{Class}}App(0) {
            @Override
            protected void process({{Class}}Event event) {
                super.process(event);
                seen.add(event);
            }
        };
    }

    @AfterEach
    void stopTheApp() {
        app.stop();
    }

    /** The worker's sqsd forwarder, configured as the Dockerfile and the manifest configure it. */
    private MessageHandler sqsd() {
        return SqsdSidecar.start(Map.of("PIPEKIT_MODE", "sqsd", "PIPEKIT_SQSD_URL", "http://127.0.0.1:" + app.port() + "/",
                "PIPEKIT_SQSD_BODY", "decoded"), WorkerOptions.builder(subscriptions.queue().url()).build());
    }

    @Test
    void anEventIsPostedToTheApp(LocalPipekit pipekit) {
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), sqsd());

        send(pipekit, "{\"id\":\"e-1\",\"type\":\"created\"}");

        worker.awaitProcessed(1);
        assertThat(seen).containsExactly(new {{Class}}Event("e-1", "created"));
    }

    @Test
    void anEventTheAppRejectsIsRetriedThenDeadLettered(LocalPipekit pipekit) {
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), sqsd());

        send(pipekit, "{\"id\":\" \",\"type\":\"created\"}");

        assertThat(worker.awaitDeadLettered(1)).hasSize(1);
        assertThat(worker.failures()).hasSize(3); // deadLetterTries in subscriptions.yml
        assertThat(seen).isEmpty();
    }

    /** Puts {@code json} where production's source would: {{sourceDescription}}. */
    private static void send(LocalPipekit pipekit, String json) {
{{testSend}}
    }
}

package {{package}};

import static org.assertj.core.api.Assertions.assertThat;

{{testImports}}
import io.pipekit.testkit.LocalPipekit;
import io.pipekit.testkit.PipekitTest;
import io.pipekit.testkit.RunningWorker;
import io.pipekit.testkit.Subscriptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {{name}} on pipekit's embedded AWS stack (no account, no Docker): subscriptions.yml applied as
 * `pipekit apply` would, the handler in a real worker, and an event sent the way production sends it.
 */
@PipekitTest{{testAnnotationArgs}}
class {{Class}}HandlerTest {

    private static Subscriptions subscriptions;

    @BeforeAll
    static void applySubscriptions(LocalPipekit pipekit) {
{{testSetup}}
        subscriptions = pipekit.apply("subscriptions.yml");
    }

    @Test
    void anEventReachesTheHandler(LocalPipekit pipekit) {
        List<{{Class}}Event> seen = new CopyOnWriteArrayList<>();
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), new {{Class}}Handler() {
            @Override
            protected void process({{Class}}Event event) {
                super.process(event);
                seen.add(event);
            }
        });

        send(pipekit, "{\"id\":\"e-1\",\"type\":\"created\"}");

        worker.awaitProcessed(1);
        assertThat(seen).containsExactly(new {{Class}}Event("e-1", "created"));
    }

    @Test
    void anEventWithoutAnIdIsRetriedThenDeadLettered(LocalPipekit pipekit) {
        RunningWorker worker = pipekit.runWorker(subscriptions.queue(), new {{Class}}Handler());

        send(pipekit, "{\"id\":\" \",\"type\":\"created\"}");

        assertThat(worker.awaitDeadLettered(1)).hasSize(1);
        assertThat(worker.failures()).hasSize(3) // deadLetterTries in subscriptions.yml
                .allSatisfy(f -> assertThat(f.cause()).hasMessageContaining("an event without an id"));
    }

    /** Puts {@code json} where production's source would: {{sourceDescription}}. */
    private static void send(LocalPipekit pipekit, String json) {
{{testSend}}
    }
}

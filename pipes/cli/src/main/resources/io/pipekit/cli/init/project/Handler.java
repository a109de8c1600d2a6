package {{package}};

{{handlerImports}}
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {{name}}'s handler: the worker decodes each message's envelope ({{sourceDescription}}) and hands
 * {@link #process} a typed event. Returning means done (the message is deleted); throwing means
 * retry after a backoff, and after the queue's deadLetterTries the message goes to the dead-letter
 * queue. Delivery is at least once: make {@link #process} idempotent.
 *
 * <p>The container runs it with {@code PIPEKIT_HANDLER={{package}}.{{Class}}Handler} (see the Dockerfile).
 */
public class {{Class}}Handler implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger({{Class}}Handler.class);

    private final MessageHandler router = Router.builder()
            {{route}}
            .build();

    /** Your code, once per event. */
    protected void process({{Class}}Event event) {
        if (event.id() == null || event.id().isBlank()) {
            throw new IllegalArgumentException("an event without an id");
        }
        LOG.info("processed {} {}", event.type(), event.id());
    }

    @Override
    public void handle(QueueMessage message) throws Exception {
        router.handle(message);
    }
}

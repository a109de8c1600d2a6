package io.pipekit.worker.main;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler the container runs when no {@code PIPEKIT_HANDLER} is configured: logs each message's
 * id, receive count and size (never its body) and succeeds. Useful to prove the wiring of a new
 * deployment before the real handler ships.
 */
public final class LoggingHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(LoggingHandler.class);

    @Override
    public void handle(QueueMessage message) {
        log.info("processed message {} (receive {}, {} bytes)", message.messageId(), message.receiveCount(), message.body().length());
    }
}

package io.pipekit.bench;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;

/** For the memory harness: a handler that holds its message until the process is stopped. */
public final class HoldingHandler implements MessageHandler {

    @Override
    public void handle(QueueMessage message) throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }
}

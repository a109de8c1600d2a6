package io.pipekit.it.support;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A handler for worker processes the tests kill: appends one line per processed message
 * ({@code messageId body}) to {@code PIPEKIT_RECORD_FILE} before returning, so the record survives a
 * SIGKILL (the page cache outlives the process) and the test can count processing and duplicates.
 */
public final class RecordingHandler implements MessageHandler {

    private final FileChannel out;

    public RecordingHandler() {
        try {
            out = FileChannel.open(Path.of(System.getenv("PIPEKIT_RECORD_FILE")),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(QueueMessage message) throws Exception {
        Thread.sleep(2); // a little work, so kills land while handlers run
        byte[] line = (message.messageId() + " " + message.body() + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(ByteBuffer.wrap(line));
        }
    }
}

package io.pipekit.worker.main;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler for end-to-end tests of the main, loaded by {@code PIPEKIT_HANDLER}: takes
 * {@code TEST_HANDLER_SLEEP} ms per message, then records the body — in memory, and appended to the
 * file {@code TEST_HANDLER_OUT} when set (for a worker running in a child JVM). A handler interrupted
 * by the shutdown records nothing.
 */
public final class RecordingHandler implements MessageHandler {

    static final Set<String> DONE = ConcurrentHashMap.newKeySet();
    static final AtomicInteger STARTED = new AtomicInteger();

    private final long sleepMillis = Long.parseLong(setting("pipekit.test.sleep", "TEST_HANDLER_SLEEP", "0"));
    private final String out = setting("pipekit.test.out", "TEST_HANDLER_OUT", null);

    private static String setting(String property, String variable, String fallback) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(variable);
        }
        return value == null ? fallback : value;
    }

    @Override
    public void handle(QueueMessage message) throws Exception {
        STARTED.incrementAndGet();
        Thread.sleep(sleepMillis);
        DONE.add(message.body());
        if (out != null) {
            synchronized (RecordingHandler.class) {
                try {
                    Files.writeString(Path.of(out), message.body() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}

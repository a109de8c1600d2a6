package io.pipekit.ops.dlq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * What a replay has already sent, kept on disk so that a replay interrupted between a send and the
 * delete of its DLQ message (crash, kill, network) does not send it again when rerun: a line is
 * appended and forced to disk right after each successful send, before the delete. The window left is
 * between a send's response and that line; a crash exactly there re-sends one message (a duplicate,
 * never a loss). Keys: the DLQ message id, or {@code <message id>#<sequence number>} for each record
 * of a pipe batch.
 */
final class ReplayJournal implements AutoCloseable {

    private final FileChannel channel;
    private final Set<String> sent = new HashSet<>();
    private final Set<String> earlier = new HashSet<>();

    private ReplayJournal(FileChannel channel) {
        this.channel = channel;
    }

    /** A journal kept only in memory (a crash forgets it: rerun sends again). */
    static ReplayJournal inMemory() {
        return new ReplayJournal(null);
    }

    static ReplayJournal open(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            ReplayJournal j = new ReplayJournal(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("sent ")) {
                    j.sent.add(line.substring(5));
                    j.earlier.add(line.substring(5));
                } else if (line.startsWith("done ")) {
                    String id = line.substring(5);
                    j.sent.removeIf(k -> k.equals(id) || k.startsWith(id + "#"));
                    j.earlier.removeIf(k -> k.equals(id) || k.startsWith(id + "#"));
                }
            }
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the replay journal " + file, e);
        }
    }

    boolean sent(String key) {
        return sent.contains(key);
    }

    /** Whether an earlier, interrupted run sent this one (the rerun then only deletes it). */
    boolean sentByEarlierRun(String key) {
        return earlier.contains(key);
    }

    void markSent(String key) {
        sent.add(key);
        append("sent " + key);
    }

    /** The DLQ message is deleted: its keys are no longer needed. */
    void markDone(String messageId) {
        sent.removeIf(k -> k.equals(messageId) || k.startsWith(messageId + "#"));
        append("done " + messageId);
    }

    private void append(String line) {
        if (channel == null) {
            return;
        }
        try {
            channel.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replay journal", e);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // every line was forced when written
            }
        }
    }
}

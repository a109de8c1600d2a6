package io.pipekit.worker.main;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM / SIGINT handling that lets the process exit 0 after a clean drain.
 *
 * <p>A JVM shutdown hook cannot do that: on SIGTERM the JVM's own handler starts the shutdown and
 * the exit status is 143 whatever the hook does. Replacing the handler ({@code sun.misc.Signal},
 * in the {@code jdk.unsupported} module precisely for this) keeps the JVM running: the first
 * signal releases {@link #awaitStop()}, the second {@linkplain #onSecondSignal hurries} the drain
 * (the rest is released at once, never dropped). ECS sends SIGTERM, then SIGKILL after
 * {@code stopTimeout} (docs/aws-behaviour.md §5.3).
 */
public final class StopSignals {

    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicInteger received = new AtomicInteger();
    private volatile Runnable onSecondSignal = () -> { };
    private volatile String lastSignal = "none";

    private StopSignals() {
    }

    /** Handles TERM and INT from now on. */
    public static StopSignals install() {
        StopSignals signals = new StopSignals();
        SignalHandler handler = signal -> signals.signal("SIG" + signal.getName());
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        return signals;
    }

    /** Not bound to OS signals: {@link #signal(String)} is called by hand (tests). */
    public static StopSignals manual() {
        return new StopSignals();
    }

    public void signal(String name) {
        lastSignal = name;
        int count = received.incrementAndGet();
        if (count == 1) {
            log.info("{} received: stopping (a second signal stops faster, releasing unfinished messages)", name);
            stop.countDown();
            stopped.complete(null);
        } else if (count == 2) {
            log.warn("{} received again: cutting the drain short and releasing what is still running", name);
            onSecondSignal.run();
        }
    }

    /**
     * What to do on the second signal (interrupt the draining thread). If the second signal came
     * already — e.g. during start-up — it runs at once: a hurried stop is never forgotten.
     */
    public void onSecondSignal(Runnable action) {
        this.onSecondSignal = action;
        if (received.get() >= 2) {
            action.run();
        }
    }

    /** Completes on the first signal: lets start-up waits end early. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    public void awaitStop() throws InterruptedException {
        stop.await();
    }

    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stop.await(timeout, unit);
    }

    public String lastSignal() {
        return lastSignal;
    }
}

package io.pipekit.worker.protection;

import io.pipekit.worker.WorkerListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import io.pipekit.worker.BackoffPolicy;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ECS task scale-in protection that follows the worker's state, not its messages
 * (docs/aws-behaviour.md §5, docs/comparable-tools.md §2 item 8). Register it as a {@link WorkerListener}.
 *
 * <p>One reconciler thread compares what the worker needs with what the agent last confirmed and
 * calls the agent only to close that gap:
 * <ul>
 *   <li><b>acquire</b> when the worker goes idle→busy ({@link #onBusy()});</li>
 *   <li><b>renew</b> (re-PUT, which resets the expiry) once {@code renewFraction} of the expiry has
 *       passed while the worker is still busy;</li>
 *   <li><b>release</b> once the worker has been idle for the whole hold-down — work that resumes
 *       within the hold-down costs no call at all.</li>
 * </ul>
 * So a burst of any size costs one acquire, a renew per half-expiry, and one release; on top,
 * calls are never closer than {@code minCallInterval}.
 *
 * <p><b>Before the receive.</b> While the worker is <em>warm</em> (busy, or idle within the
 * hold-down) it stays protected, so every receive that can fetch more work of a burst is made under
 * protection. If an acquire is under way when the poller is about to receive,
 * {@link #beforeReceive(String)} waits for it (at most one call timeout), so the next batch is never
 * fetched into an unprotected task. A <em>cold</em> worker (idle past the hold-down) does not
 * acquire before its long polls: that would keep every idle task protected forever and no
 * scale-in could ever happen. The receives already out when a cold worker wakes (one per poller)
 * are therefore fetched before the acquire lands (one agent round trip later); a scale-in landing in
 * that gap stops the task with SIGTERM, and the shutdown path finishes or releases those messages —
 * delayed, never lost. See {@code docs/task-protection.md}.
 *
 * <p>Agent faults are logged and retried with exponential backoff; they never block or stop
 * processing. {@code TASK_NOT_VALID} (a task outside a service) and a rejected request body turn
 * protection off for good. Without an agent URI (outside ECS) every method is a no-op.
 */
public final class TaskProtection implements WorkerListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskProtection.class);
    /** Pause after a failed agent call: 1 s doubling to 60 s, jittered. */
    private static final BackoffPolicy RETRY = BackoffPolicy.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60));

    /** What the agent last confirmed, for health and logs. */
    public enum State {
        /** No {@code ECS_AGENT_URI}: not running in ECS, or switched off. */
        DISABLED,
        UNPROTECTED,
        PROTECTED,
        /** The agent said protection can never work for this task (e.g. TASK_NOT_VALID). */
        UNAVAILABLE
    }

    /** A view for health reporting. */
    public record Status(State state, Optional<Instant> expiresAt, long calls, long failures, Optional<String> lastProblem) {}

    private enum Action { NONE, ACQUIRE, RENEW, RELEASE }

    private final ProtectionOptions options;
    private final TaskProtectionClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread reconciler;

    // inputs (guarded by lock)
    private boolean busy;
    /** nanoTime until which an idle worker counts as warm (keeps protection). */
    private long warmUntil;
    private boolean closed;
    // what the agent confirmed (guarded by lock)
    private boolean held;
    private long heldSince;
    private Instant expiresAt;
    private boolean acquirePending;
    private boolean unavailable;
    private long notBefore;
    private long lastCall;
    private int consecutiveFailures;
    private String lastProblem;

    private TaskProtection(ProtectionOptions options, TaskProtectionClient client) {
        this.options = options;
        this.client = client;
        long now = System.nanoTime();
        this.warmUntil = now; // start cold
        this.notBefore = now;
        this.lastCall = now - options.minCallInterval().toNanos();
        this.reconciler = client == null ? null : Thread.ofVirtual().name("pipekit-task-protection").unstarted(this::run);
    }

    /** Starts the reconciler; a no-op instance when {@code options} has no agent URI. */
    public static TaskProtection start(ProtectionOptions options) {
        TaskProtection protection = new TaskProtection(options,
                options.agentUri().map(uri -> new TaskProtectionClient(uri, options.callTimeout())).orElse(null));
        if (protection.reconciler != null) {
            protection.reconciler.start();
            log.info("ECS task protection on: agent {}, expiry {} min, hold-down {} s", protection.client.stateUri(),
                    options.expiry().toMinutes(), options.holdDown().toSeconds());
        } else {
            log.info("ECS task protection off: no {} (not running in ECS)", ProtectionOptions.AGENT_URI);
        }
        return protection;
    }

    public Status status() {
        lock.lock();
        try {
            State state = client == null ? State.DISABLED : unavailable ? State.UNAVAILABLE : held ? State.PROTECTED : State.UNPROTECTED;
            return new Status(state, Optional.ofNullable(held ? expiresAt : null), calls.get(), failures.get(), Optional.ofNullable(lastProblem));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onBusy() {
        if (client == null) {
            return;
        }
        lock.lock();
        try {
            busy = true;
            // in a backoff after agent faults the receive must not wait for an acquire that is not coming
            if (!held && !unavailable && !closed && System.nanoTime() - notBefore >= 0) {
                acquirePending = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onIdle() {
        if (client == null) {
            return;
        }
        lock.lock();
        try {
            busy = false;
            warmUntil = System.nanoTime() + options.holdDown().toNanos();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * While an acquire is under way, holds the receive until it is confirmed or failed (at most one
     * call timeout plus a little), so no further batch is fetched into an unprotected task.
     */
    @Override
    public void beforeReceive(String queueUrl) {
        if (client == null) {
            return;
        }
        lock.lock();
        try {
            long remaining = options.callTimeout().plusMillis(500).toNanos();
            while (acquirePending && !held && !unavailable && !closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the poller is being stopped
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Action action;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    action = wanted(now);
                    long earliest = Math.max(notBefore - now, lastCall + options.minCallInterval().toNanos() - now);
                    if (action != Action.NONE && earliest <= 0) {
                        break;
                    }
                    long wait = action != Action.NONE ? earliest : nextChange(now);
                    changed.awaitNanos(Math.max(1_000_000L, wait));
                }
                lastCall = System.nanoTime();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            perform(action);
        }
    }

    /** What the worker's state asks of the agent now (lock held). */
    private Action wanted(long now) {
        if (unavailable) {
            return Action.NONE;
        }
        if (held && now - (heldSince + options.expiry().toNanos()) >= 0) {
            held = false; // renewals kept failing and ECS let the protection lapse
        }
        boolean want = busy || now - warmUntil < 0;
        if (want && !held) {
            return Action.ACQUIRE;
        }
        if (want && now - renewAt() >= 0) {
            return Action.RENEW;
        }
        if (!want && held) {
            return Action.RELEASE;
        }
        return Action.NONE;
    }

    private long renewAt() {
        return heldSince + (long) (options.expiry().toNanos() * options.renewFraction());
    }

    /** Nanos until the next time-driven change: end of hold-down or renew time (lock held). */
    private long nextChange(long now) {
        long wait = Duration.ofMinutes(1).toNanos();
        if (held && busy) {
            wait = Math.min(wait, renewAt() - now);
        }
        if (held && !busy) {
            wait = Math.min(wait, warmUntil - now);
        }
        return wait;
    }

    private void perform(Action action) {
        boolean enable = action != Action.RELEASE;
        long start = System.nanoTime();
        AgentResponse response = client.put(enable, (int) options.expiry().toMinutes());
        calls.incrementAndGet();
        lock.lock();
        try {
            if (response instanceof AgentResponse.Protection p) {
                consecutiveFailures = 0;
                held = p.enabled();
                heldSince = start;
                expiresAt = p.expiresAt().orElse(null);
                if (action == Action.ACQUIRE) {
                    log.info("task protected until {} (worker busy)", expiresAt);
                } else if (action == Action.RELEASE) {
                    log.info("task protection released (worker idle for {} s)", options.holdDown().toSeconds());
                } else {
                    log.debug("task protection renewed until {}", expiresAt);
                }
            } else {
                failed(action, response);
            }
            // work that came back while a release was on its way needs a fresh acquire
            acquirePending = action == Action.RELEASE && busy && !held && consecutiveFailures == 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A failed call (lock held): give up for good, or retry after a backoff. Processing goes on either way. */
    private void failed(Action action, AgentResponse response) {
        failures.incrementAndGet();
        lastProblem = describe(response);
        if (response.permanent()) {
            unavailable = true;
            log.warn("ECS task protection unavailable for this task ({}); processing continues unprotected", lastProblem);
            return;
        }
        consecutiveFailures++;
        long pause = RETRY.delayFor(consecutiveFailures).toMillis();
        notBefore = System.nanoTime() + Duration.ofMillis(pause).toNanos();
        log.warn("task protection {} failed ({} in a row): {}; retrying in {} ms, processing continues",
                action.name().toLowerCase(), consecutiveFailures, lastProblem, pause);
    }

    private static String describe(AgentResponse response) {
        return switch (response) {
            case AgentResponse.Protection p -> "protection " + p.enabled();
            case AgentResponse.Failure f -> "HTTP 200 failure " + f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")");
            case AgentResponse.Error e -> "HTTP " + e.status() + " " + e.code() + ": " + e.message();
            case AgentResponse.Unreachable u -> "agent unreachable: " + u.cause();
        };
    }

    /**
     * Stops the reconciler and, if the task is protected, releases protection (one bounded call;
     * should it fail, protection simply expires). Call after the worker has drained.
     */
    @Override
    public void close() {
        if (client == null) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            reconciler.join(options.callTimeout().plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean release;
        lock.lock();
        try {
            release = held && !unavailable;
        } finally {
            lock.unlock();
        }
        if (release) {
            AgentResponse response = client.put(false, 0);
            calls.incrementAndGet();
            lock.lock();
            try {
                if (response instanceof AgentResponse.Protection p && !p.enabled()) {
                    held = false;
                    log.info("task protection released at shutdown");
                } else {
                    failures.incrementAndGet();
                    lastProblem = describe(response);
                    log.warn("could not release task protection at shutdown ({}); it expires by itself at {}", lastProblem, expiresAt);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}

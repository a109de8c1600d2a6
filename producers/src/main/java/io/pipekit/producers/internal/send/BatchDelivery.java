package io.pipekit.producers.internal.send;

import io.pipekit.producers.Target;
import io.pipekit.producers.Target.Entry;
import io.pipekit.producers.Target.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sends one batch until every entry is either acknowledged or given up on. Only the entries that
 * failed transiently are sent again (PutRecords {@code FailedRecordCount}, PutEvents
 * {@code FailedEntryCount}, SendMessageBatch {@code Failed}, BatchWriteItem {@code UnprocessedItems}),
 * after jittered exponential backoff; every give-up is counted by error code and logged with the
 * event id (never the body).
 */
public final class BatchDelivery<R> {

    private static final Logger log = LoggerFactory.getLogger(BatchDelivery.class);
    /** Whole-call error codes worth retrying besides throttling and 5xx. */
    private static final Set<String> RETRYABLE_CALL_CODES = Set.of("RequestTimeout", "RequestTimeoutException",
            "PriorRequestNotComplete", "TransactionInProgressException", "KMSThrottlingException");
    private static final int LOUD_FAILURES = 10;

    private final Target<R> target;
    private final RunStats stats;
    private final int maxAttempts;
    private final Backoff backoff;
    private final AtomicLong loggedFailures = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean throttleLogged = new java.util.concurrent.atomic.AtomicBoolean();

    public BatchDelivery(Target<R> target, RunStats stats, int maxAttempts, Backoff backoff) {
        this.target = target;
        this.stats = stats;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    public void deliver(List<Entry<R>> batch) {
        List<Entry<R>> pending = batch;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<Outcome> outcomes = call(pending);
            List<Entry<R>> again = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Entry<R> entry = pending.get(i);
                switch (outcomes.get(i)) {
                    case Outcome.Delivered d -> stats.sent.increment();
                    case Outcome.Retry r -> {
                        if (isThrottle(r.code())) {
                            stats.throttled.increment();
                            if (!throttleLogged.getAndSet(true)) {
                                log.warn("{}: throttled ({}); backing off and retrying the affected entries (counted in the summary)",
                                        target.describe(), r.code());
                            }
                        }
                        if (attempt < maxAttempts) {
                            stats.retried.increment();
                            again.add(entry);
                        } else {
                            giveUp(entry, r.code(), "still failing after " + attempt + " attempts");
                        }
                    }
                    case Outcome.Reject r -> giveUp(entry, r.code(), r.message());
                }
            }
            if (!again.isEmpty()) {
                pause(backoff.delayAfter(attempt));
            }
            pending = again;
        }
    }

    private List<Outcome> call(List<Entry<R>> pending) {
        long t0 = System.nanoTime();
        try {
            List<Outcome> outcomes = target.send(pending);
            if (outcomes.size() != pending.size()) {
                throw new IllegalStateException(target.describe() + " returned " + outcomes.size()
                        + " outcomes for " + pending.size() + " entries");
            }
            return outcomes;
        } catch (RuntimeException e) {
            Outcome o = classify(e);
            log.debug("{}: batch call of {} entries failed: {}", target.describe(), pending.size(), o);
            return pending.stream().map(x -> o).toList();
        } finally {
            stats.callLatency(System.nanoTime() - t0);
        }
    }

    /** Whole-call failures: throttling, 5xx and I/O errors are transient; other 4xx are permanent. */
    static Outcome classify(RuntimeException e) {
        if (e instanceof AwsServiceException a) {
            String code = a.awsErrorDetails() != null && a.awsErrorDetails().errorCode() != null
                    ? a.awsErrorDetails().errorCode() : a.getClass().getSimpleName();
            if (a.isThrottlingException() || a.statusCode() >= 500 || isThrottle(code) || RETRYABLE_CALL_CODES.contains(code)) {
                return new Outcome.Retry(code);
            }
            return new Outcome.Reject(code, a.awsErrorDetails() != null ? a.awsErrorDetails().errorMessage() : a.getMessage());
        }
        if (e instanceof SdkClientException c) {
            return new Outcome.Retry("ClientError:" + rootCause(c).getClass().getSimpleName());
        }
        return new Outcome.Reject(e.getClass().getSimpleName(), e.getMessage());
    }

    static boolean isThrottle(String code) {
        return code != null && (code.contains("Throttl") || code.contains("ProvisionedThroughputExceeded")
                || code.contains("RequestLimitExceeded") || code.contains("SlowDown") || code.equals("TooManyRequestsException"));
    }

    private void giveUp(Entry<R> entry, String code, String why) {
        stats.failed(entry.event().eventId(), code);
        long n = loggedFailures.incrementAndGet();
        if (n <= LOUD_FAILURES || n % 1000 == 0) {
            log.warn("{}: event {} (seq {}) not delivered: {} ({}){}", target.describe(), entry.event().eventId(),
                    entry.event().seq(), code, why, n == LOUD_FAILURES ? "; further failures logged every 1000th" : "");
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d); // backoff between retries, on a virtual thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

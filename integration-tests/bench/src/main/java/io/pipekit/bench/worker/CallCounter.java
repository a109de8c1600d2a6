package io.pipekit.bench.worker;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;

/**
 * Sees every SQS request a consumer's client sends, whatever the consumer: counts HTTP attempts per
 * operation (retries included) and acknowledged deletes. A drain ends when the deletes reach its
 * target; the call counts and the clock are read at that instant, in the thread that got there, so
 * what the consumer does after (idle polls, shutdown) is outside the measurement.
 */
final class CallCounter implements ExecutionInterceptor {

    /** What a drain window saw. */
    record Window(long endNanos, long cpuNanos, Map<String, Long> calls, Map<String, Double> meanOutstanding) {
    }

    /** Requests of one operation on the wire now, and their integral over time (for the mean outstanding). */
    private static final class Outstanding {
        int now;
        long since;
        double area;

        Outstanding(long since) {
            this.since = since;
        }

        synchronized void change(int delta, long at) {
            area += (double) now * (at - since);
            since = at;
            now += delta;
        }

        synchronized double meanSince(long start, long at) {
            change(0, at);
            return at > start ? area / (at - start) : 0;
        }
    }

    private static final ExecutionAttribute<Boolean> ON_WIRE = new ExecutionAttribute<>("pipekit.bench.onWire");
    /**
     * Keyed by the drain's queue as well as the operation: a call sent during one drain (an idle
     * poll of a consumer that is stopping) may come back during the next, and must not count there.
     */
    private final Map<Drain, Outstanding> outstanding = new ConcurrentHashMap<>();
    private static final ExecutionAttribute<Drain> COUNTED_IN = new ExecutionAttribute<>("pipekit.bench.countedIn");

    private record Drain(String queueUrl, String operation) {
    }
    private volatile long armedAt;
    private volatile String armedQueue;

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final AtomicLong deleted = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile Window window;
    private volatile CountDownLatch done = new CountDownLatch(1);

    /**
     * Starts a window that ends once {@code messages} more deletes have been acknowledged. Calls and
     * requests outstanding count only requests on {@code queueUrl}: a consumer stopped after the last
     * drain may still have long polls open on that drain's queue (pipekit's stop does not abort them).
     */
    void arm(String queueUrl, long messages) {
        armedQueue = queueUrl;
        calls.clear();
        long now = System.nanoTime();
        armedAt = now;
        window = null;
        done = new CountDownLatch(1);
        target = deleted.get() + messages;
    }

    Window await() throws InterruptedException {
        done.await();
        return window;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!context.request().getValueForField("QueueUrl", String.class).map(armedQueue::equals).orElse(false)) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        // a retry's attempt replaces the failed one, which never reached afterTransmission: count the call once
        if (!Boolean.TRUE.equals(attributes.getAttribute(ON_WIRE))) {
            Drain key = new Drain(armedQueue, operation);
            outstanding.computeIfAbsent(key, k -> new Outstanding(armedAt)).change(1, System.nanoTime());
            attributes.putAttribute(COUNTED_IN, key);
            attributes.putAttribute(ON_WIRE, Boolean.TRUE);
        }
        if (window == null) {
            calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        offWire(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        offWire(attributes); // an aborted, timed-out or finally failed call never reaches afterTransmission
    }

    private void offWire(ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(ON_WIRE))) {
            attributes.putAttribute(ON_WIRE, Boolean.FALSE);
            outstanding.get(attributes.getAttribute(COUNTED_IN)).change(-1, System.nanoTime());
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        int acknowledged = switch (context.response()) {
            case DeleteMessageBatchResponse batch -> batch.successful().size();
            case DeleteMessageResponse single -> 1;
            default -> 0;
        };
        if (acknowledged == 0) {
            return;
        }
        long before = deleted.getAndAdd(acknowledged);
        long goal = target;
        if (before < goal && before + acknowledged >= goal) {
            long end = System.nanoTime();
            long cpu = ChildJvm.processCpuNanos();
            Map<String, Long> snapshot = new TreeMap<>();
            calls.forEach((op, n) -> snapshot.put(op, n.sum()));
            Map<String, Double> mean = new TreeMap<>();
            String queue = armedQueue;
            outstanding.forEach((key, o) -> {
                if (key.queueUrl().equals(queue)) {
                    mean.put(key.operation(), o.meanSince(armedAt, end));
                }
            });
            window = new Window(end, cpu, snapshot, mean);
            target = Long.MAX_VALUE;
            done.countDown();
        }
    }
}

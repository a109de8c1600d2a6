package io.pipekit.bench.worker;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
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
    record Window(long endNanos, long cpuNanos, Map<String, Long> calls) {
    }

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final AtomicLong deleted = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile Window window;
    private volatile CountDownLatch done = new CountDownLatch(1);

    /** Starts a window that ends once {@code messages} more deletes have been acknowledged. */
    void arm(long messages) {
        calls.clear();
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
        if (window == null) {
            calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder()).increment();
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
            window = new Window(end, cpu, snapshot);
            target = Long.MAX_VALUE;
            done.countDown();
        }
    }
}

package io.pipekit.worker.metrics;

import io.pipekit.worker.WorkerOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.WorkerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker metrics as CloudWatch Embedded Metric Format documents: one JSON line per queue per
 * interval, written to stdout, which {@code awslogs} ships to CloudWatch Logs, which extracts the
 * metrics — no agent, no sidecar, no PutMetricData permission, no extra dependency
 * (see {@code docs/task-protection.md}, "Metrics").
 *
 * <p>Per queue ({@code Service}, {@code Queue} dimensions): {@code Processed}, {@code Failed},
 * {@code Retried} (outcomes of redeliveries, receive count &gt; 1), {@code Released}, {@code Deleted},
 * {@code DeleteFailed}, {@code LeaseLost}, {@code ReceiveErrors}, {@code InFlight}, and the
 * latencies {@code HandlerTime} (handler run) and {@code ReceiveToDone} (our receive to the handler's
 * end, including any wait for a FIFO group) in milliseconds, as a fair sample of ≤ 100 values.
 */
public final class EmfMetrics implements WorkerListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmfMetrics.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The counted metrics; each constant's name is its CloudWatch metric name. */
    private enum Count { Processed, Failed, Retried, Released, Deleted, DeleteFailed, LeaseLost, ReceiveErrors }

    private final String namespace;
    private final String service;
    private final Consumer<String> sink;
    private final Clock clock;
    private final Map<String, Window> windows = new LinkedHashMap<>();
    private final Thread emitter;
    private final Duration interval;

    public EmfMetrics(String namespace, String service, List<String> queueUrls, Duration interval, Consumer<String> sink, Clock clock) {
        this.namespace = namespace;
        this.service = service;
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
        queueUrls.forEach(url -> windows.put(url, new Window()));
        this.emitter = Thread.ofVirtual().name("pipekit-metrics").unstarted(this::run);
    }

    /** Emits every {@code interval} until closed; a zero interval emits only on {@link #flush()}. */
    public EmfMetrics start() {
        if (interval.isPositive()) {
            emitter.start();
        }
        return this;
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            flush();
        }
    }

    /** Writes one EMF document per queue for everything counted since the last flush. */
    public synchronized void flush() {
        long timestamp = clock.millis();
        for (Map.Entry<String, Window> entry : windows.entrySet()) {
            try {
                sink.accept(document(timestamp, entry.getKey(), entry.getValue()));
            } catch (RuntimeException e) {
                log.warn("could not write metrics: {}", e.toString());
            }
        }
    }

    private String document(long timestamp, String queueUrl, Window window) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode directive = root.putObject("_aws").put("Timestamp", timestamp)
                .putArray("CloudWatchMetrics").addObject().put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("Service").add("Queue");
        ArrayNode metrics = directive.putArray("Metrics");
        root.put("Service", service);
        root.put("Queue", WorkerOptions.queueName(queueUrl));
        long[] counts = window.drainCounts();
        for (Count count : Count.values()) {
            metrics.addObject().put("Name", count.name()).put("Unit", "Count");
            root.put(count.name(), counts[count.ordinal()]);
        }
        metrics.addObject().put("Name", "InFlight").put("Unit", "Count");
        root.put("InFlight", window.inFlight());
        latency(root, metrics, "HandlerTime", window.handlerTime.drain());
        latency(root, metrics, "ReceiveToDone", window.receiveToDone.drain());
        return root.toString();
    }

    /** A latency is declared only when it has values: EMF has no way to say "no sample". */
    private static void latency(ObjectNode root, ArrayNode metrics, String name, Reservoir.Snapshot snapshot) {
        if (snapshot.count() == 0) {
            return;
        }
        metrics.addObject().put("Name", name).put("Unit", "Milliseconds");
        ArrayNode values = root.putArray(name);
        for (double value : snapshot.values()) {
            values.add(value);
        }
        // exact figures next to the sample, searchable in Logs Insights (not metrics)
        root.put(name + "Count", snapshot.count()).put(name + "Max", snapshot.max())
                .put(name + "Avg", snapshot.sum() / snapshot.count());
    }

    private Window of(String queueUrl) {
        return windows.get(queueUrl);
    }

    @Override
    public void onReceive(String queueUrl, int messages) {
        Window w = of(queueUrl);
        if (w != null) {
            w.received.addAndGet(messages);
        }
    }

    @Override
    public void onReceiveError(String queueUrl, Throwable error) {
        Window w = of(queueUrl);
        if (w != null) {
            w.add(Count.ReceiveErrors, 1);
        }
    }

    @Override
    public void onSuccess(QueueMessage message, Duration handlerTime) {
        Window w = of(message.queueUrl());
        if (w != null) {
            w.settled.incrementAndGet();
            w.add(Count.Processed, 1);
            done(w, message);
            w.handlerTime.add(handlerTime.toNanos() / 1e6);
        }
    }

    @Override
    public void onFailure(QueueMessage message, Throwable cause, Duration retryDelay) {
        Window w = of(message.queueUrl());
        if (w != null) {
            w.settled.incrementAndGet();
            w.add(Count.Failed, 1);
            done(w, message);
        }
    }

    private void done(Window w, QueueMessage message) {
        if (message.receiveCount() > 1) {
            w.add(Count.Retried, 1);
        }
        w.receiveToDone.add(Duration.between(message.receivedAt(), Instant.now(clock)).toNanos() / 1e6);
    }

    @Override
    public void onReleased(QueueMessage message) {
        Window w = of(message.queueUrl());
        if (w != null) {
            w.settled.incrementAndGet();
            w.add(Count.Released, 1);
        }
    }

    @Override
    public void onDeleted(String queueUrl, int messages) {
        Window w = of(queueUrl);
        if (w != null) {
            w.add(Count.Deleted, messages);
        }
    }

    @Override
    public void onDeleteFailed(QueueMessage message, String reason) {
        Window w = of(message.queueUrl());
        if (w != null) {
            w.add(Count.DeleteFailed, 1);
        }
    }

    @Override
    public void onLeaseLost(QueueMessage message, String reason) {
        Window w = of(message.queueUrl());
        if (w != null) {
            w.add(Count.LeaseLost, 1);
        }
    }

    /** Stops the timer and writes the last partial interval, so a stopping task's work is counted. */
    @Override
    public void close() {
        emitter.interrupt();
        flush();
    }

    /** One queue's counters for the current interval; in-flight is derived from lifetime totals. */
    private static final class Window {
        final AtomicLong[] counts = new AtomicLong[Count.values().length];
        final AtomicLong received = new AtomicLong();
        final AtomicLong settled = new AtomicLong();
        final Reservoir handlerTime = new Reservoir();
        final Reservoir receiveToDone = new Reservoir();

        Window() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new AtomicLong();
            }
        }

        void add(Count count, long n) {
            counts[count.ordinal()].addAndGet(n);
        }

        long[] drainCounts() {
            long[] values = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                values[i] = counts[i].getAndSet(0);
            }
            return values;
        }

        /** Every received message is settled exactly once (processed, failed or released). */
        long inFlight() {
            return Math.max(0, received.get() - settled.get());
        }
    }
}

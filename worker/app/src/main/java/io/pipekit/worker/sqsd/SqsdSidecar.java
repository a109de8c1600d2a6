package io.pipekit.worker.sqsd;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * sqsd mode as {@code WorkerMain} starts it ({@code PIPEKIT_MODE=sqsd}): read {@code PIPEKIT_SQSD_*},
 * wait for the app's health URL, start the periodic-task scheduler when a {@code cron.yaml} is
 * given, and hand back the forwarder as the worker's handler. The engine does everything else
 * (polling, concurrency, heartbeat, backoff, FIFO groups, drain).
 */
public final class SqsdSidecar {

    private static final Logger log = LoggerFactory.getLogger(SqsdSidecar.class);

    private SqsdSidecar() {
    }

    /** Whether the environment selects sqsd mode. @throws ConfigException for an unknown mode */
    public static boolean selected(Map<String, String> env) {
        return SqsdConfig.selected(env);
    }

    /** Configures, waits for the app, starts cron, and returns the handler. Blocks until the app is healthy. */
    public static MessageHandler start(Map<String, String> env, WorkerOptions options) {
        return start(env, options, SqsClient::create);
    }

    /**
     * As {@link #start(Map, WorkerOptions)}, with the client the periodic-task scheduler sends with
     * (created only when a {@code cron.yaml} is configured; closed at JVM shutdown).
     */
    public static MessageHandler start(Map<String, String> env, WorkerOptions options, Supplier<SqsClient> schedulerClient) {
        SqsdConfig config = SqsdConfig.fromEnvironment(env);
        List<CronTask> tasks = config.cronFile().map(CronFile::read).orElse(List.of());
        String cronQueue = config.cronQueueUrl().orElse(options.queueUrls().getFirst());
        if (!tasks.isEmpty() && !options.queueUrls().contains(cronQueue)) {
            log.warn("periodic tasks go to {}, which this worker does not consume; make sure another worker does", cronQueue);
        }
        if (options.maxConcurrency() > config.maxConnections()) {
            // more messages in flight than connections: the surplus waits in the worker (kept invisible by the heartbeat)
            log.info("PIPEKIT_MAX_CONCURRENCY {} > PIPEKIT_SQSD_HTTP_CONNECTIONS {}: at most {} POSTs run at once; "
                    + "set both to the same value to leave the rest on the queue for other tasks",
                    options.maxConcurrency(), config.maxConnections(), config.maxConnections());
        }
        if (config.healthUrl().isPresent()) {
            try {
                new HealthWait(config.healthUrl().get(), config.healthTimeout(), Duration.ofSeconds(1)).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException(SqsdConfig.HEALTH_URL, "interrupted while waiting for the app", null);
            }
        }
        if (!tasks.isEmpty()) {
            SqsClient sqs;
            try {
                sqs = schedulerClient.get();
            } catch (SdkClientException e) {
                throw new ConfigException("AWS_REGION", e.getMessage(), "Set AWS_REGION (ECS sets it for you) or AWS_DEFAULT_REGION");
            }
            TaskScheduler scheduler = new TaskScheduler(sqs, cronQueue, tasks, Clock.systemUTC()).start();
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("pipekit-sqsd-cron-stop").unstarted(() -> {
                scheduler.close();
                sqs.close();
            }));
            log.info("{} periodic task(s) scheduled onto {}", tasks.size(), cronQueue);
        }
        log.info("sqsd mode: forwarding to {} ({} body, {} connections)", config.url(), config.bodyMode().name().toLowerCase(),
                config.maxConnections());
        return new SqsdForwarder(config);
    }

}

package io.pipekit.worker.main;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.ShutdownReport;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.config.ConfigException;
import io.pipekit.worker.config.WorkerConfig;
import io.pipekit.worker.health.HealthReport;
import io.pipekit.worker.health.HealthServer;
import io.pipekit.worker.health.PollerLiveness;
import io.pipekit.worker.metrics.EmfMetrics;
import io.pipekit.worker.protection.TaskProtection;
import java.io.IOException;
import io.pipekit.worker.sqsd.SqsdSidecar;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The container's entry point: configuration from the environment (as Copilot injects it), SQS
 * client the SDK's standard way (region and credentials chain, {@code AWS_ENDPOINT_URL} /
 * {@code AWS_ENDPOINT_URL_SQS}), ECS task protection, {@code /health}, EMF metrics; run until
 * SIGTERM/SIGINT, drain within {@code PIPEKIT_SHUTDOWN_BUDGET}, release protection, exit 0.
 *
 * <p>Exit codes: 0 after a clean stop, 2 for bad configuration, 3 when the queue cannot be reached
 * at start-up. Errors print as one line naming the variable and the fix, without a stack trace.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
    static final int EXIT_CONFIG = 2;
    static final int EXIT_UNREACHABLE = 3;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), StopSignals::install));
    }

    /**
     * Runs until the first stop signal, then drains and returns the exit code.
     *
     * @param signals installs the stop-signal handling (tests pass {@link StopSignals#manual()})
     */
    static int run(Map<String, String> env, Supplier<StopSignals> signals) {
        WorkerConfig config;
        LifecycleConfig lifecycle;
        MessageHandler handler;
        try {
            config = WorkerConfig.fromEnvironment(env);
            lifecycle = LifecycleConfig.fromEnvironment(env, config.options());
            handler = SqsdSidecar.selected(env) ? SqsdSidecar.start(env, config.options()) : HandlerLoader.load(config.handler());
        } catch (ConfigException e) {
            System.err.println("pipekit: configuration error: " + e.getMessage());
            return EXIT_CONFIG;
        }
        SqsClient sqs;
        try {
            sqs = SqsClient.builder()
                    // a long poll holds the connection up to 20 s: the read timeout must exceed it (docs/aws-behaviour.md §9)
                    .httpClientBuilder(ApacheHttpClient.builder()
                            .socketTimeout(config.options().waitTime().plusSeconds(10))
                            .maxConnections(Math.max(50, config.options().queueUrls().size() * 2 + 20)))
                    .build();
        } catch (SdkClientException e) {
            System.err.println("pipekit: configuration error: AWS_REGION: " + e.getMessage()
                    + ". Set AWS_REGION (ECS sets it for you) or AWS_DEFAULT_REGION");
            return EXIT_CONFIG;
        }
        // before the worker starts, so an early SIGTERM stops it cleanly instead of killing the JVM
        StopSignals stop = signals.get();
        WorkerOptions options = config.options();
        String queues = String.join(", ", options.queueUrls());
        TaskProtection protection = TaskProtection.start(lifecycle.protection());
        PollerLiveness liveness = new PollerLiveness(options, lifecycle.stallAfter());
        EmfMetrics metrics = new EmfMetrics(lifecycle.namespace(), lifecycle.service(), options.queueUrls(),
                lifecycle.metricsInterval(), System.out::println, Clock.systemUTC());
        Worker worker = Worker.start(sqs, options, handler, List.of(protection, liveness, metrics), Clock.systemUTC());
        metrics.start();
        Optional<String> startupProblem = firstPollProblem(worker, queues, stop);
        HealthServer health = null;
        if (startupProblem.isEmpty() && lifecycle.healthPort().isPresent()) {
            try {
                health = HealthServer.start(lifecycle.healthPort().getAsInt(), () -> healthReport(liveness, protection));
            } catch (IOException e) {
                // not fatal: the messages matter more than the endpoint, and a container health check
                // that cannot connect reports the problem where the operator looks
                log.error("PIPEKIT_HEALTH_PORT: cannot listen on port {} ({}); running without /health. "
                        + "Choose a free port, 0 for any, or off", lifecycle.healthPort().getAsInt(), e.getMessage());
            }
        }
        if (startupProblem.isPresent()) {
            System.err.println("pipekit: cannot start: " + startupProblem.get());
            worker.shutdown(Duration.ZERO);
            protection.close();
            sqs.close();
            return EXIT_UNREACHABLE;
        }
        log.info("consuming {}", queues);
        try {
            stop.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the second signal interrupts the drain below: Worker.shutdown then releases what still runs
        Thread drainer = Thread.currentThread();
        stop.onSecondSignal(drainer::interrupt);
        liveness.markStopping();
        ShutdownReport report = worker.shutdown(options.shutdownBudget());
        stop.onSecondSignal(() -> { });
        Thread.interrupted(); // a late second signal must not abort the releases and calls below
        protection.close();
        metrics.close();
        if (health != null) {
            health.close();
        }
        sqs.close();
        log.info("stopped after {}: {} drained, {} released, clean={}", stop.lastSignal(), report.drained(),
                report.released(), report.clean());
        return 0;
    }

    private static HealthReport healthReport(PollerLiveness liveness, TaskProtection protection) {
        TaskProtection.Status status = protection.status();
        return liveness.report(status.state().name(), status.expiresAt().map(Object::toString).orElse(null));
    }

    /**
     * Waits for every queue's first receive (or a stop signal, which ends the wait at once); a
     * failure that waiting cannot fix is a start-up error.
     */
    private static Optional<String> firstPollProblem(Worker worker, String queues, StopSignals stop) {
        try {
            CompletableFuture.anyOf(worker.firstPoll(), stop.stopped())
                    .get(worker.options().waitTime().toSeconds() + 30, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return StartupFailure.explain(e.getCause(), queues);
        } catch (TimeoutException e) {
            log.warn("no answer from SQS yet for {}; continuing to poll", queues);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

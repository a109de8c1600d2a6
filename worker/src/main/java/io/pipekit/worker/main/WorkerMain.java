package io.pipekit.worker.main;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.Worker;
import io.pipekit.worker.config.ConfigException;
import io.pipekit.worker.config.WorkerConfig;
import io.pipekit.worker.sqsd.SqsdSidecar;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The container's entry point: configuration from the environment (as Copilot injects it), SQS
 * client the SDK's standard way (region and credentials chain, {@code AWS_ENDPOINT_URL} /
 * {@code AWS_ENDPOINT_URL_SQS}), run until SIGTERM/SIGINT, drain, exit 0.
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
        System.exit(run(System.getenv()));
    }

    static int run(Map<String, String> env) {
        WorkerConfig config;
        MessageHandler handler;
        try {
            config = WorkerConfig.fromEnvironment(env);
            handler = SqsdSidecar.selected(env) ? SqsdSidecar.start(env, config.options()) : HandlerLoader.load(config.handler());
        } catch (ConfigException e) {
            System.err.println("pipekit: configuration error: " + e.getMessage());
            return EXIT_CONFIG;
        }
        SqsClient sqs;
        try {
            sqs = SqsClient.builder()
                    // a long poll holds the connection up to 20 s: the read timeout must exceed it (AWS-SEMANTICS §9)
                    .httpClientBuilder(ApacheHttpClient.builder()
                            .socketTimeout(config.options().waitTime().plusSeconds(10))
                            .maxConnections(Math.max(50, config.options().queueUrls().size() * 2 + 20)))
                    .build();
        } catch (SdkClientException e) {
            System.err.println("pipekit: configuration error: AWS_REGION: " + e.getMessage()
                    + ". Set AWS_REGION (ECS sets it for you) or AWS_DEFAULT_REGION");
            return EXIT_CONFIG;
        }
        String queues = String.join(", ", config.options().queueUrls());
        Worker worker = Worker.start(sqs, config.options(), handler);
        Optional<String> startupProblem = firstPollProblem(worker, queues);
        if (startupProblem.isPresent()) {
            System.err.println("pipekit: cannot start: " + startupProblem.get());
            worker.shutdown(Duration.ZERO);
            sqs.close();
            return EXIT_UNREACHABLE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("pipekit-shutdown").unstarted(() -> {
            log.info("stop signal received: draining");
            worker.close();
            sqs.close();
            stopped.countDown();
        }));
        log.info("consuming {}", queues);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Waits for every queue's first receive; a failure that waiting cannot fix is a start-up error. */
    private static Optional<String> firstPollProblem(Worker worker, String queues) {
        try {
            worker.firstPoll().get(worker.options().waitTime().toSeconds() + 30, TimeUnit.SECONDS);
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

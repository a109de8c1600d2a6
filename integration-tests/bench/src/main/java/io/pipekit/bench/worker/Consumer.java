package io.pipekit.bench.worker;

import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The consumers compared, each draining one queue with a no-op handler. Every one gets an SDK client
 * configured the same way (one interceptor counting its calls, connections enough for its
 * concurrency), built once per JVM as an application would, and is otherwise left at the settings
 * named.
 */
enum Consumer {

    RAW_16("raw SDK loop, 16 threads"),
    RAW_32("raw SDK loop, 32 threads"),
    SPRING_DEFAULT("spring-cloud-aws, defaults"),
    SPRING_TUNED("spring-cloud-aws, 100 concurrent / 10 per poll"),
    PIPEKIT_DEFAULT("pipekit, defaults"),
    /** Not a goal row: how much of any gap at defaults is the default capacity of 64 messages held. */
    PIPEKIT_256("pipekit, maxConcurrency 256"),
    /** Diagnostic, on request only: what running the same loop on virtual threads costs. */
    RAW_32_VIRTUAL("raw SDK loop, 32 virtual threads"),
    /** Diagnostic, on request only: the raw loop asking what pipekit asks (all attributes, visibility, call timeout). */
    RAW_32_AS_PIPEKIT("raw SDK loop, 32 threads, pipekit's requests"),
    /** Diagnostic, on request only: the raw loop asking for every attribute and an explicit visibility timeout, nothing else. */
    RAW_32_ALL_ATTRIBUTES("raw SDK loop, 32 threads, all attributes"),
    /** Diagnostic, on request only: the raw loop with only pipekit's call timeout on deletes. */
    RAW_32_DELETE_TIMEOUT("raw SDK loop, 32 threads, delete call timeout");

    /** Long polls of 20 s need a socket timeout above them; connections are never the limit. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    private static final int CONNECTIONS = 128;

    final String label;

    Consumer(String label) {
        this.label = label;
    }

    /** Rows run only when named in {@code -Dbench.consumers}. */
    boolean isDiagnostic() {
        return this == RAW_32_VIRTUAL || this == RAW_32_AS_PIPEKIT || this == RAW_32_ALL_ATTRIBUTES || this == RAW_32_DELETE_TIMEOUT;
    }

    boolean isRaw() {
        return this == RAW_16 || this == RAW_32;
    }

    /** A running consumer; {@code close} stops it (after the measurement, so its cost is not counted). */
    interface Running extends AutoCloseable {
        @Override
        void close() throws Exception;
    }

    /** The client this consumer uses: sync (Apache) for the raw loops and pipekit, async (Netty) for Spring. */
    AutoCloseable client(URI endpoint, CallCounter counter) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        if (this == SPRING_DEFAULT || this == SPRING_TUNED) {
            return SqsAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(CONNECTIONS).readTimeout(SOCKET_TIMEOUT))
                    .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                    .build();
        }
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(CONNECTIONS).socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                .build();
    }

    Running start(AutoCloseable client, String queueUrl) {
        return switch (this) {
            case RAW_16 -> rawLoop((SqsClient) client, queueUrl, 16);
            case RAW_32 -> rawLoop((SqsClient) client, queueUrl, 32);
            case RAW_32_VIRTUAL -> rawLoop((SqsClient) client, queueUrl, 32, Executors.newVirtualThreadPerTaskExecutor(), false, false);
            case RAW_32_AS_PIPEKIT -> rawLoop((SqsClient) client, queueUrl, 32, Executors.newFixedThreadPool(32), true, true);
            case RAW_32_ALL_ATTRIBUTES -> rawLoop((SqsClient) client, queueUrl, 32, Executors.newFixedThreadPool(32), true, false);
            case RAW_32_DELETE_TIMEOUT -> rawLoop((SqsClient) client, queueUrl, 32, Executors.newFixedThreadPool(32), false, true);
            case SPRING_DEFAULT -> spring((SqsAsyncClient) client, queueUrl, false);
            case SPRING_TUNED -> spring((SqsAsyncClient) client, queueUrl, true);
            case PIPEKIT_DEFAULT -> {
                // the public API, at its defaults, as the README shows it
                Worker worker = Worker.start((SqsClient) client, WorkerOptions.builder(queueUrl).build(), message -> { });
                yield worker::close;
            }
            case PIPEKIT_256 -> {
                Worker worker = Worker.start((SqsClient) client, WorkerOptions.builder(queueUrl).maxConcurrency(256).build(), message -> { });
                yield worker::close;
            }
        };
    }

    /**
     * The ceiling: each thread long-polls for 10, deletes them in one DeleteMessageBatch, repeats —
     * no hand-off between threads, no attributes asked for, nothing else.
     */
    private static Running rawLoop(SqsClient sqs, String queueUrl, int threads) {
        return rawLoop(sqs, queueUrl, threads, Executors.newFixedThreadPool(threads), false, false);
    }

    /**
     * @param allAttributes ask, as pipekit does, for every system and message attribute and an explicit visibility timeout
     * @param deleteTimeout give each delete pipekit's call timeout
     */
    private static Running rawLoop(SqsClient sqs, String queueUrl, int threads, ExecutorService pool,
                                   boolean allAttributes, boolean deleteTimeout) {
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                while (!stop.get()) {
                    List<Message> batch = allAttributes
                            ? sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(20).visibilityTimeout(30)
                                    .messageSystemAttributeNames(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.ALL)
                                    .messageAttributeNames("All")).messages()
                            : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(20)).messages();
                    if (batch.isEmpty()) {
                        continue;
                    }
                    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
                    for (int i = 0; i < batch.size(); i++) {
                        entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(batch.get(i).receiptHandle()).build());
                    }
                    if (deleteTimeout) {
                        sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries).overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))));
                    } else {
                        sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                    }
                }
            });
        }
        return () -> {
            // threads still in a long poll of the drained queue finish it (at most 20 s) and exit
            stop.set(true);
            pool.close();
        };
    }

    private static Running spring(SqsAsyncClient sqs, String queueUrl, boolean tuned) {
        SqsMessageListenerContainer<Object> container = SqsMessageListenerContainer.builder()
                .sqsAsyncClient(sqs)
                .queueNames(queueUrl)
                .messageListener(message -> { })
                .configure(options -> {
                    if (tuned) {
                        options.maxConcurrentMessages(100).maxMessagesPerPoll(10);
                    }
                })
                .build();
        container.start();
        return container::stop;
    }
}

package io.pipekit.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.it.support.TcpProxy;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Fault injection: SQS goes away (every connection reset, new ones refused) while the worker runs,
 * and comes back. The worker must survive, resume on its own and lose nothing.
 * Default outage 5 s; {@code -Dpipekit.chaos=full}: 30 s. Either way the first message produced during
 * the outage must be processed within 5 s of SQS coming back (the receive back-off is capped at 3 s).
 */
class SqsOutageTest {

    private static final Duration OUTAGE = "full".equals(System.getProperty("pipekit.chaos")) ? Duration.ofSeconds(30) : Duration.ofSeconds(5);

    @Test
    void theWorkerRecoversFromAnSqsOutageAndLosesNothing() throws Exception {
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient direct = server.newClient(); TcpProxy proxy = new TcpProxy(server.endpoint());
             SqsClient viaProxy = SqsClient.builder().endpointOverride(proxy.endpoint()).region(EmbeddedSqs.REGION)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30))).build()) {
            String queue = direct.createQueue(b -> b.queueName("outage")).queueUrl();
            Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicLong firstAfterOutage = new java.util.concurrent.atomic.AtomicLong();
            AtomicInteger receiveErrors = new AtomicInteger();
            WorkerListener errors = new WorkerListener() {
                @Override
                public void onReceiveError(String queueUrl, Throwable error) {
                    receiveErrors.incrementAndGet();
                }
            };
            WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(2)).visibilityTimeout(Duration.ofSeconds(5)).build();
            try (Worker worker = Worker.start(viaProxy, options, m -> {
                if (Integer.parseInt(m.body().substring(2)) >= 200) {
                    firstAfterOutage.compareAndSet(0, System.nanoTime());
                }
                processed.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
            }, errors)) {
                send(direct, queue, 0, 200);
                await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 200);

                proxy.cut();
                send(direct, queue, 200, 500); // produced during the outage
                await().atMost(OUTAGE.plusSeconds(10)).until(() -> receiveErrors.get() > 0);
                await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> true); // the outage lasts this long
                proxy.restore();
                long back = System.nanoTime();

                await().atMost(Duration.ofSeconds(60)).until(() -> processed.size() == 500 && held(direct, queue) == 0);
                Duration resumed = Duration.ofNanos(firstAfterOutage.get() - back);
                System.out.printf("fault: %d s SQS outage: first message processed %d ms after SQS came back, %d receive errors, %d lost%n",
                        OUTAGE.toSeconds(), resumed.toMillis(), receiveErrors.get(), 500 - processed.size());
                assertThat(resumed).isLessThanOrEqualTo(Duration.ofSeconds(5));
            }
            assertThat(processed).hasSize(500);
            assertThat(receiveErrors.get()).isPositive();
        }
    }

    private static void send(SqsClient sqs, String queue, int from, int to) {
        for (int start = from; start < to; start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + 10, to); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("m-" + i).build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        }
    }

    private static int held(SqsClient sqs, String queue) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }
}

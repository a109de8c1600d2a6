package io.pipekit.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.it.support.FaultProxy;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Fault injection: handlers that run many visibility timeouts long while a share of the heartbeat's
 * {@code ChangeMessageVisibilityBatch} calls stall for 20 s in the network. A competing consumer
 * polls the same queue the whole time: any message it gets, or any second delivery to the worker,
 * is a duplicate. There must be none — each heartbeat call gives up after its own timeout and is
 * retried while the lease still runs, and the batches do not wait for one another.
 *
 * <p>Default (CI): 60 s handlers under a 10 s visibility. {@code -Dpipekit.chaos=full}: 10-minute
 * handlers under a 30 s visibility.
 */
class LongHandlerUnderStalledVisibilityTest {

    private static final boolean FULL = "full".equals(System.getProperty("pipekit.chaos"));
    private static final Duration HANDLER = FULL ? Duration.ofMinutes(10) : Duration.ofSeconds(60);
    private static final Duration VISIBILITY = FULL ? Duration.ofSeconds(30) : Duration.ofSeconds(10);
    private static final int MESSAGES = 30;

    @Test
    void noMessageIsDeliveredTwiceWhileVisibilityCallsStallAtRandom() throws Exception {
        try (EmbeddedSqs server = EmbeddedSqs.start(); SqsClient direct = server.newClient();
             FaultProxy proxy = new FaultProxy(server.endpoint());
             SqsClient viaProxy = SqsClient.builder().endpointOverride(proxy.endpoint()).region(EmbeddedSqs.REGION)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30))).build()) {
            String queue = direct.createQueue(b -> b.queueName("long-handlers")).queueUrl();
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("job-" + i).build());
                if (entries.size() == 10) {
                    List<SendMessageBatchRequestEntry> batch = List.copyOf(entries);
                    direct.sendMessageBatch(b -> b.queueUrl(queue).entries(batch));
                    entries.clear();
                }
            }
            // one in five of the heartbeat's calls is held 20 s — longer than a whole lease
            proxy.rule(FaultProxy.stallAtRandom("ChangeMessageVisibilityBatch", 0.2, Duration.ofSeconds(20), new Random(7)));

            Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
            List<String> stolen = new CopyOnWriteArrayList<>();
            AtomicInteger extensions = new AtomicInteger();
            AtomicInteger leasesLost = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            WorkerListener counts = new WorkerListener() {
                @Override public void onVisibilityExtended(QueueMessage m, Duration timeout) { extensions.incrementAndGet(); }
                @Override public void onLeaseLost(QueueMessage m, String reason) { leasesLost.incrementAndGet(); }
            };
            WorkerOptions options = WorkerOptions.builder(queue).visibilityTimeout(VISIBILITY).waitTime(Duration.ofSeconds(1))
                    .handlerTimeout(HANDLER.multipliedBy(2)).build();
            AtomicBoolean competing = new AtomicBoolean(true);
            Runnable compete = () -> {
                while (competing.get()) {
                    for (Message m : direct.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                        stolen.add(m.body());
                        direct.changeMessageVisibility(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                    }
                }
            };
            Thread competitor = null;
            long start = System.nanoTime();
            try (Worker worker = Worker.start(viaProxy, options, m -> {
                deliveries.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(HANDLER);
                done.incrementAndGet();
            }, counts)) {
                // once the worker holds every message, a competing consumer polls the queue until the end
                await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.size() == MESSAGES);
                competitor = Thread.ofVirtual().start(compete);
                await().atMost(HANDLER.plusMinutes(2)).until(() -> done.get() == MESSAGES && worker.inFlight() == 0);
            } finally {
                competing.set(false);
                if (competitor != null) {
                    competitor.join(Duration.ofSeconds(10));
                }
            }
            long duplicates = stolen.size() + deliveries.values().stream().mapToInt(c -> c.get() - 1).sum();
            System.out.printf("fault: %d handlers of %d s under a %d s visibility, %d visibility calls stalled 20 s, "
                            + "%d extensions, %d leases lost: %d duplicate deliveries (%d s)%n",
                    MESSAGES, HANDLER.toSeconds(), VISIBILITY.toSeconds(), proxy.faults(), extensions.get(), leasesLost.get(),
                    duplicates, Duration.ofNanos(System.nanoTime() - start).toSeconds());
            assertThat(deliveries).hasSize(MESSAGES);
            assertThat(proxy.faults()).as("stalls injected").isPositive();
            assertThat(stolen).as("messages a competing consumer received").isEmpty();
            assertThat(duplicates).isZero();
            assertThat(leasesLost).hasValue(0);
        }
    }
}

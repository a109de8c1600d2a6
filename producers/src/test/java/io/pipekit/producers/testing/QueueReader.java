package io.pipekit.producers.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Drains a queue in a test: receives (and deletes) until {@code expected} messages arrived, then takes whatever else is there. */
public final class QueueReader {

    private QueueReader() {}

    public static List<Message> drain(SqsClient sqs, String queueUrl, int expected) {
        List<Message> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            receive(sqs, queueUrl, got, 1);
            return got.size() >= expected;
        });
        receive(sqs, queueUrl, got, 0); // anything beyond the expected count is a duplicate or a stray
        return got;
    }

    private static void receive(SqsClient sqs, String queueUrl, List<Message> into, int waitSeconds) {
        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                .visibilityTimeout(300).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
        into.addAll(batch);
        // delete as we go: on a FIFO queue a group's next messages stay hidden while earlier ones are in flight
        for (Message m : batch) sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    }
}

package io.pipekit.pipes.runtime;



import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Reads what a target queue received, deleting as it goes (test support). */
final class Received {

    private Received() {}

    /** Waits until at least {@code count} messages arrived and returns all received so far, in receive order. */
    static List<Message> await(SqsClient sqs, String queueUrl, int count) {
        List<Message> received = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            for (Message message : batch) {
                received.add(message);
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
            return received.size() >= count;
        });
        return received;
    }

    static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }
}

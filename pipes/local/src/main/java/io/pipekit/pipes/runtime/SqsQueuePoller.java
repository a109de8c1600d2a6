package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Long-polls an SQS source queue (docs/aws-behaviour.md §1.2 "SQS queue", §1.4, §1.9): records that do not
 * pass the filter are deleted at once; delivered ones are deleted after the target accepted them;
 * failed ones are left alone, so the queue's visibility timeout and {@code maxReceiveCount} redrive
 * do the retrying, as with AWS.
 */
final class SqsQueuePoller implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsQueuePoller.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final PipeRunner runner;
    private final SqsClient sqs;
    private final PipeSettings settings;

    SqsQueuePoller(PipeRunner runner, SqsClient sqs) {
        this.runner = runner;
        this.sqs = sqs;
        this.settings = runner.settings();
    }

    @Override
    public void run() {
        int failures = 0;
        String queueUrl = null;
        while (runner.isRunning()) {
            try {
                if (queueUrl == null) {
                    queueUrl = sqs.getQueueUrl(b -> b.queueName(Arns.name(settings.sourceArn())).queueOwnerAWSAccountId(Arns.account(settings.sourceArn()))).queueUrl();
                }
                pollOnce(queueUrl);
                failures = 0;
            } catch (QueueDoesNotExistException e) {
                runner.sourceGone("Queue not found. To resume processing please delete the pipe and create a new one.");
                return;
            } catch (RuntimeException e) {
                if (!runner.isRunning()) {
                    return;
                }
                LOG.warn("pipe {}: polling {} failed: {}", settings.pipeName(), settings.sourceArn(), e.toString());
                if (!runner.pause(runner.backoff().delay(failures++))) {
                    return;
                }
            }
        }
    }

    private void pollOnce(String queueUrl) {
        List<Message> messages = new ArrayList<>();
        Instant windowEnd = Instant.now().plus(settings.batchingWindow());
        do {
            int wanted = Math.min(10, settings.batchSize() - messages.size());
            Duration left = Duration.between(Instant.now(), windowEnd);
            int wait = (int) Math.min(runner.options().sqsWaitTime().toSeconds(), Math.max(left.toSeconds(), messages.isEmpty() ? runner.options().sqsWaitTime().toSeconds() : 0));
            messages.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(wanted).waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages());
        } while (runner.isRunning() && messages.size() < settings.batchSize() && Instant.now().isBefore(windowEnd));
        if (messages.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        List<Message> dropped = new ArrayList<>();
        List<SqsTarget.Message> toSend = new ArrayList<>();
        List<Message> sent = new ArrayList<>();
        for (Message message : messages) {
            PolledRecord record = toPolled(message, now);
            if (!settings.filter().matches(record.fields(), record.parsedData())) {
                dropped.add(message);
                continue;
            }
            ObjectNode event = record.fields().deepCopy();
            event.put("eventSource", "aws:sqs");
            event.put("eventSourceARN", settings.sourceArn());
            event.put("awsRegion", Arns.region(settings.sourceArn()));
            try {
                toSend.add(runner.renderer().render(sent.size(), event, record.parsedData(), now));
                sent.add(message);
            } catch (RuntimeException e) {
                LOG.warn("pipe {}: message {} cannot be rendered ({}); it stays on the queue for redrive", settings.pipeName(), message.messageId(), e.getMessage());
            }
        }
        // docs/aws-behaviour.md §1.4: messages that do not match are deleted from the source queue
        delete(queueUrl, dropped);
        runner.metrics().filtered(dropped.size());
        if (toSend.isEmpty()) {
            return;
        }
        List<SqsTarget.Failure> failures = runner.target().send(toSend);
        Set<Integer> failed = new HashSet<>();
        failures.forEach(f -> failed.add(f.message().index()));
        List<Message> delivered = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (!failed.contains(i)) {
                delivered.add(sent.get(i));
            }
        }
        delete(queueUrl, delivered);
        runner.metrics().delivered(delivered.size());
        if (!delivered.isEmpty()) {
            runner.targetDelivered();
        }
        failures.stream().filter(SqsTarget.Failure::customer).findFirst()
                .ifPresent(f -> runner.targetFailed(f.code() + ": " + f.reason()));
        if (!failures.isEmpty()) {
            LOG.warn("pipe {}: {} of {} messages not delivered ({}: {}); they return after the visibility timeout",
                    settings.pipeName(), failures.size(), toSend.size(), failures.getFirst().code(), failures.getFirst().reason());
        }
    }

    private void delete(String queueUrl, List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> chunk = messages.subList(from, Math.min(from + 10, messages.size()));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        }
    }

    /** The Pipes SQS record (docs/aws-behaviour.md §1.2), without the poller metadata. */
    static PolledRecord toPolled(Message message, Instant now) {
        ObjectNode fields = JSON.createObjectNode();
        fields.put("messageId", message.messageId());
        fields.put("receiptHandle", message.receiptHandle());
        fields.put("body", message.body());
        ObjectNode attributes = fields.putObject("attributes");
        message.attributesAsStrings().forEach(attributes::put);
        ObjectNode messageAttributes = fields.putObject("messageAttributes");
        for (Map.Entry<String, MessageAttributeValue> attribute : message.messageAttributes().entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            ObjectNode node = messageAttributes.putObject(attribute.getKey());
            if (value.stringValue() != null) {
                node.put("stringValue", value.stringValue());
            }
            if (value.binaryValue() != null) {
                node.put("binaryValue", java.util.Base64.getEncoder().encodeToString(value.binaryValue().asByteArrayUnsafe()));
            }
            node.putArray("stringListValues");
            node.putArray("binaryListValues");
            node.put("dataType", value.dataType());
        }
        fields.put("md5OfBody", message.md5OfBody());
        JsonNode parsed = parse(message.body());
        String sent = message.attributesAsStrings().get("SentTimestamp");
        Instant arrival = sent == null ? now : Instant.ofEpochMilli(Long.parseLong(sent));
        return new PolledRecord(fields, parsed, message.receiptHandle(), arrival, now);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isContainerNode() ? node : null;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }
}

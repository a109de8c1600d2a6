package io.pipekit.worker.sqsd;

import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.envelope.EnvelopeDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the POST for a message with Elastic Beanstalk's sqsd headers (docs/comparable-tools.md §1A, EB column):
 * {@code User-Agent: aws-sqsd/1.1}, {@code X-Aws-Sqsd-Msgid}, {@code -Queue}, {@code -First-Received-At}
 * (ISO-8601), {@code -Receive-Count}, {@code -Attr-<name>} for String and Number attributes (Binary
 * ones are left out, as EB does), and {@code X-Amzn-Trace-Id} from {@code AWSTraceHeader}. A
 * periodic-task message goes to its task's path with {@code X-Aws-Sqsd-Taskname},
 * {@code -Scheduled-At} and {@code -Sender-Id}.
 */
final class ForwardRequests {

    private static final Logger log = LoggerFactory.getLogger(ForwardRequests.class);

    /**
     * The version EB's daemon announces, as documented on the worker-environment page. Apps and
     * middlewares that detect sqsd (Laravel/Rails/Django EB-worker packages) match on the
     * {@code aws-sqsd} prefix; sending EB's exact string keeps them working unchanged.
     */
    static final String USER_AGENT = "aws-sqsd/1.1";

    private final SqsdConfig config;
    private final EnvelopeDecoder decoder = new EnvelopeDecoder();

    ForwardRequests(SqsdConfig config) {
        this.config = config;
    }

    /** @throws io.pipekit.worker.envelope.EnvelopeDecodeException in decoded mode, for a malformed envelope */
    Forward build(QueueMessage message) {
        Optional<TaskMessage> task = TaskMessage.of(message);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-Aws-Sqsd-Msgid", message.messageId());
        headers.put("X-Aws-Sqsd-Queue", queueName(message.queueUrl()));
        headers.put("X-Aws-Sqsd-First-Received-At", message.firstReceivedAt().orElse(message.receivedAt()).toString());
        headers.put("X-Aws-Sqsd-Receive-Count", Integer.toString(message.receiveCount()));
        // sorted so the header order is stable whatever order SQS listed the attributes in
        for (Map.Entry<String, MessageAttribute> entry : new TreeMap<>(message.messageAttributes()).entrySet()) {
            String name = entry.getKey();
            MessageAttribute attribute = entry.getValue();
            if (attribute.isBinary() || (task.isPresent() && TaskMessage.isTaskAttribute(name))) {
                continue;
            }
            if (!HeaderValues.isToken(name) || attribute.stringValue() == null || !HeaderValues.isValid(attribute.stringValue())) {
                // an HTTP header cannot carry it (CR/LF, non-Latin-1); the attribute is left out, the message is still forwarded
                log.warn("message {}: attribute {} cannot be sent as a header and is left out", message.messageId(), name);
                continue;
            }
            headers.put("X-Aws-Sqsd-Attr-" + name, attribute.stringValue());
        }
        message.traceHeader().filter(HeaderValues::isValid).ifPresent(trace -> headers.put("X-Amzn-Trace-Id", trace));

        if (task.isPresent()) {
            TaskMessage t = task.get();
            putIfValid(headers, "X-Aws-Sqsd-Taskname", t.taskName());
            putIfValid(headers, "X-Aws-Sqsd-Scheduled-At", t.scheduledAt());
            Optional.ofNullable(message.attributes().get("SenderId")).ifPresent(sender -> putIfValid(headers, "X-Aws-Sqsd-Sender-Id", sender));
            headers.put("Content-Type", config.contentType());
            return new Forward(taskTarget(t), headers, bytes(message.body()));
        }
        if (config.bodyMode() == BodyMode.DECODED) {
            DecodedBody decoded = DecodedBody.of(decoder.decode(message), config.contentType());
            headers.put("Content-Type", decoded.contentType());
            headers.putAll(decoded.headers());
            return new Forward(config.url(), headers, decoded.body());
        }
        headers.put("Content-Type", config.contentType());
        return new Forward(config.url(), headers, bytes(message.body()));
    }

    /** A task's url is a path on the forward URL's origin (as in EB's cron.yaml), or an absolute URL. */
    URI taskTarget(TaskMessage task) {
        URI target;
        try {
            target = config.url().resolve(task.path());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task '" + task.taskName() + "' has an invalid url: " + task.path(), e);
        }
        if (!config.allowRemote() && !LoopbackTarget.isLoopback(target)) {
            // the path came from the queue: whoever can write to it must not steer the sidecar off the task
            throw new IllegalArgumentException("task '" + task.taskName() + "' points at a non-loopback URL "
                    + target + "; set PIPEKIT_SQSD_ALLOW_REMOTE=true to allow it");
        }
        return target;
    }

    static String queueName(String queueUrl) {
        String path = URI.create(queueUrl).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void putIfValid(Map<String, String> headers, String name, String value) {
        if (value != null && !value.isEmpty() && HeaderValues.isValid(value)) {
            headers.put(name, value);
        }
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}

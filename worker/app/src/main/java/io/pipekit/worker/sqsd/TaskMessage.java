package io.pipekit.worker.sqsd;

import io.pipekit.worker.MessageAttribute;
import io.pipekit.worker.QueueMessage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A periodic-task message on the queue. The attribute names and the body are the ones Elastic
 * Beanstalk's own scheduler writes, so a message enqueued by EB (or re-driven from an EB
 * dead-letter queue) is understood here, and ours by EB's sqsd.
 *
 * @param taskName    {@code beanstalk.sqsd.task_name}
 * @param path        {@code beanstalk.sqsd.path}: the URL path (or absolute URL) to POST to
 * @param scheduledAt {@code beanstalk.sqsd.scheduled_time}, verbatim
 */
record TaskMessage(String taskName, String path, String scheduledAt) {

    static final String TASK_NAME = "beanstalk.sqsd.task_name";
    static final String PATH = "beanstalk.sqsd.path";
    static final String SCHEDULED_TIME = "beanstalk.sqsd.scheduled_time";
    static final String BODY = "elasticbeanstalk scheduled job";

    /** The message's task, when it carries a task name and a path. */
    static Optional<TaskMessage> of(QueueMessage message) {
        Map<String, MessageAttribute> attributes = message.messageAttributes();
        String name = string(attributes.get(TASK_NAME));
        String path = string(attributes.get(PATH));
        if (name == null || path == null) {
            return Optional.empty();
        }
        String scheduled = string(attributes.get(SCHEDULED_TIME));
        return Optional.of(new TaskMessage(name, path, scheduled == null ? "" : scheduled));
    }

    static boolean isTaskAttribute(String name) {
        return name.equals(TASK_NAME) || name.equals(PATH) || name.equals(SCHEDULED_TIME);
    }

    /** The scheduled-time text we write: ISO-8601 UTC, like {@code X-Aws-Sqsd-First-Received-At}. */
    static String format(Instant scheduledAt) {
        return scheduledAt.toString();
    }

    private static String string(MessageAttribute attribute) {
        return attribute == null || attribute.isBinary() ? null : attribute.stringValue();
    }
}

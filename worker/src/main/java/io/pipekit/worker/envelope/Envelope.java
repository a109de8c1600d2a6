package io.pipekit.worker.envelope;

import io.pipekit.worker.QueueMessage;

/**
 * A decoded queue message: what delivered it (a pipe, a rule, a topic, S3, a producer) and its
 * payload, typed. Obtain one with {@link EnvelopeDecoder#decode(QueueMessage)} and use a
 * pattern-matching {@code switch} over the permitted records:
 *
 * <pre>{@code
 * switch (decoder.decode(message)) {
 *     case PipesKinesisRecord k -> orders.accept(k.data().as(Order.class));
 *     case EventBridgeEvent e when e.source().equals("aws.s3") -> thumbnails.accept(e);
 *     case SnsNotification n -> handle(n.inner());
 *     case DecodeFailure f -> throw f.toException();
 *     default -> log.info("ignored message {}", message.messageId());
 * }
 * }</pre>
 *
 * <p>Nested payloads (base64 data, SNS {@code Message}, a piped SQS {@code body}) are parsed only
 * when first asked for; accessors that parse them throw {@link PayloadException} when the payload
 * is not what was asked for.
 */
public sealed interface Envelope
        permits PipesKinesisRecord, PipesDynamoDbRecord, PipesSqsRecord, EventBridgeEvent, SnsNotification,
                S3Notification, S3TestEvent, KitEnvelope, RawMessage, DecodeFailure {

    /** The SQS message that carried this envelope (shared by an SNS envelope and its inner envelope). */
    QueueMessage queueMessage();

    EnvelopeKind kind();

    /** The carrying SQS message id: stable across redeliveries, the key for idempotency and logs. */
    default String messageId() {
        return queueMessage().messageId();
    }

    /** One line naming the kind and its origin (never the payload), for logs and errors. */
    String summary();
}

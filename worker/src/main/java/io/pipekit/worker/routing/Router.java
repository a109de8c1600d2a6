package io.pipekit.worker.routing;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.envelope.DecodeFailure;
import io.pipekit.worker.envelope.Envelope;
import io.pipekit.worker.envelope.EnvelopeDecoder;
import io.pipekit.worker.envelope.EventBridgeEvent;
import io.pipekit.worker.envelope.KitEnvelope;
import io.pipekit.worker.envelope.PipesDynamoDbRecord;
import io.pipekit.worker.envelope.PipesKinesisRecord;
import io.pipekit.worker.envelope.PipesSqsRecord;
import io.pipekit.worker.envelope.S3TestEvent;
import io.pipekit.worker.envelope.SnsNotification;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MessageHandler} that decodes each message into an {@link Envelope} and hands it to the
 * first matching route, in registration order:
 *
 * <pre>{@code
 * MessageHandler handler = Router.builder()
 *         .onKinesisStream("orders", (PipesKinesisRecord r) -> orders.save(r.data().as(Order.class)))
 *         .onEventPattern("{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\"]}", thumbnails::make)
 *         .onDynamoDbTable("Customers", r -> r.newImage().ifPresent(crm::upsert))
 *         .unmatched(UnmatchedPolicy.FAIL)
 *         .build();
 * }</pre>
 *
 * <p>Fixed rules, before any route: a {@link DecodeFailure} throws {@link io.pipekit.worker.envelope.EnvelopeDecodeException}
 * (message id and reason; the message is retried, then dead-lettered); an {@link S3TestEvent}, bare or
 * inside SNS, is acknowledged without calling a handler (docs/aws-behaviour.md §4.1).
 *
 * <p>SNS: each route is offered the {@link SnsNotification} first and then its {@link SnsNotification#inner()}
 * envelope, so {@code onTopic} sees the notification while {@code onEvent}/{@code on(S3Notification.class, …)}
 * also take events that travelled through SNS. Unmatched messages go to the {@link Builder#otherwise
 * fallback} (which receives the outer envelope), else to the {@link UnmatchedPolicy}.
 */
public final class Router implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final EnvelopeDecoder decoder;
    private final List<Route> routes;
    private final PatternMachine patterns;
    private final EnvelopeHandler<Envelope> fallback;
    private final UnmatchedPolicy unmatched;

    private Router(Builder builder) {
        this.decoder = builder.decoder;
        this.routes = List.copyOf(builder.routes);
        this.patterns = new PatternMachine(routes.stream().map(Route::pattern).toList());
        this.fallback = builder.fallback;
        this.unmatched = builder.unmatched;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One handler for everything, typically a pattern-matching {@code switch} over {@link Envelope}. */
    public static Router forAll(EnvelopeHandler<Envelope> handler) {
        return builder().otherwise(handler).build();
    }

    @Override
    public void handle(QueueMessage message) throws Exception {
        route(decoder.decode(message));
    }

    /** Routes an already decoded envelope (what {@link #handle} does after decoding). */
    public void route(Envelope envelope) throws Exception {
        if (envelope instanceof DecodeFailure failure) {
            throw failure.toException();
        }
        if (envelope instanceof S3TestEvent test) {
            acknowledgeTestEvent(test);
            return;
        }
        SnsNotification sns = envelope instanceof SnsNotification n ? n : null;
        if (sns != null && sns.inner() instanceof S3TestEvent test) {
            acknowledgeTestEvent(test);
            return;
        }
        Candidate outer = new Candidate(envelope);
        Candidate inner = sns == null ? null : new Candidate(sns.inner());
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            if (outer.takenBy(i, route)) {
                route.handler().handle(envelope);
                return;
            }
            if (inner != null && inner.takenBy(i, route)) {
                route.handler().handle(sns.inner());
                return;
            }
        }
        if (sns != null && sns.inner() instanceof DecodeFailure failure) {
            throw failure.toException();
        }
        if (fallback != null) {
            fallback.handle(envelope);
            return;
        }
        switch (unmatched) {
            case FAIL -> throw new UnroutableMessageException(envelope);
            case ACK_AND_LOG -> log.warn("message {}: no route for {}; acknowledged (UnmatchedPolicy.ACK_AND_LOG)",
                    envelope.messageId(), envelope.summary());
        }
    }

    /** An envelope offered to the routes; the pattern machine runs at most once, when a pattern route of its kind is reached. */
    private final class Candidate {
        private final Envelope envelope;
        private BitSet matched;

        Candidate(Envelope envelope) {
            this.envelope = envelope;
        }

        boolean takenBy(int index, Route route) {
            if (!route.admits(envelope)) {
                return false;
            }
            if (route.pattern() == null) {
                return true;
            }
            if (matched == null) {
                matched = patterns.matches(envelope);
            }
            return matched.get(index);
        }
    }

    private static void acknowledgeTestEvent(S3TestEvent test) {
        log.info("message {}: S3 test event for bucket {} acknowledged", test.messageId(), test.bucket());
    }

    /** Routes in registration order; the first that accepts a message takes it. */
    public static final class Builder {

        private final List<Route> routes = new ArrayList<>();
        private EnvelopeDecoder decoder = new EnvelopeDecoder();
        private EnvelopeHandler<Envelope> fallback;
        private UnmatchedPolicy unmatched = UnmatchedPolicy.FAIL;

        private Builder() {
        }

        /** Every envelope of one kind, e.g. {@code on(PipesKinesisRecord.class, r -> …)}. */
        public <E extends Envelope> Builder on(Class<E> kind, EnvelopeHandler<? super E> handler) {
            requireRoutable(kind);
            return add(Route.of("kind " + kind.getSimpleName(), kind, e -> true, handler));
        }

        /** Kinesis records from one stream, by stream ARN or stream name. */
        public Builder onKinesisStream(String streamArnOrName, EnvelopeHandler<? super PipesKinesisRecord> handler) {
            Objects.requireNonNull(streamArnOrName, "streamArnOrName");
            return add(Route.of("kinesis stream " + streamArnOrName, PipesKinesisRecord.class,
                    r -> streamArnOrName.equals(r.eventSourceArn()) || streamArnOrName.equals(r.streamName()), handler));
        }

        /**
         * DynamoDB stream records from one table, by table name, table ARN or stream ARN (a table's
         * stream ARN changes when its stream is re-enabled — docs/aws-behaviour.md §1.2 — the name does not).
         */
        public Builder onDynamoDbTable(String table, EnvelopeHandler<? super PipesDynamoDbRecord> handler) {
            Objects.requireNonNull(table, "table");
            return add(Route.of("dynamodb table " + table, PipesDynamoDbRecord.class,
                    r -> table.equals(r.tableName()) || table.equals(r.eventSourceArn())
                            || (r.eventSourceArn() != null && r.eventSourceArn().startsWith(table + "/stream/")),
                    handler));
        }

        /** Piped SQS records from one source queue, by queue ARN or name. */
        public Builder onSqsQueue(String queueArnOrName, EnvelopeHandler<? super PipesSqsRecord> handler) {
            Objects.requireNonNull(queueArnOrName, "queueArnOrName");
            return add(Route.of("sqs queue " + queueArnOrName, PipesSqsRecord.class,
                    r -> queueArnOrName.equals(r.eventSourceArn()) || queueArnOrName.equals(r.queueName()), handler));
        }

        /** SNS notifications from one topic, by topic ARN or name. */
        public Builder onTopic(String topicArnOrName, EnvelopeHandler<? super SnsNotification> handler) {
            Objects.requireNonNull(topicArnOrName, "topicArnOrName");
            return add(Route.of("sns topic " + topicArnOrName, SnsNotification.class,
                    n -> topicArnOrName.equals(n.topicArn()) || topicArnOrName.equals(n.topicName()), handler));
        }

        /** EventBridge events with this {@code source}, any detail-type. */
        public Builder onEvent(String source, EnvelopeHandler<? super EventBridgeEvent> handler) {
            return onEvent(source, null, handler);
        }

        /** EventBridge events with this {@code source} and {@code detail-type} (null = any). */
        public Builder onEvent(String source, String detailType, EnvelopeHandler<? super EventBridgeEvent> handler) {
            Objects.requireNonNull(source, "source");
            return add(Route.of("event source " + source + (detailType == null ? "" : " detail-type " + detailType),
                    EventBridgeEvent.class,
                    e -> source.equals(e.source()) && (detailType == null || detailType.equals(e.detailType())), handler));
        }

        /** Kit-template envelopes from one pipe, by pipe name. */
        public Builder onPipe(String pipeName, EnvelopeHandler<? super KitEnvelope> handler) {
            Objects.requireNonNull(pipeName, "pipeName");
            return add(Route.of("pipe " + pipeName, KitEnvelope.class, k -> pipeName.equals(k.pipe()), handler));
        }

        /**
         * EventBridge events matching an event pattern (docs/aws-behaviour.md §2.3), evaluated by Event Ruler.
         * @throws IllegalArgumentException when the pattern does not compile
         */
        public Builder onEventPattern(String pattern, EnvelopeHandler<? super EventBridgeEvent> handler) {
            return onPattern(EventBridgeEvent.class, pattern, handler);
        }

        /**
         * Envelopes of one kind whose JSON matches an event pattern: the event for EventBridge, the
         * record for pipes (Kinesis {@code data} and SQS {@code body} parsed when JSON, as pipe filters
         * see them), the notification for SNS and S3, the envelope for kit templates, the body for raw JSON.
         */
        public <E extends Envelope> Builder onPattern(Class<E> kind, String pattern, EnvelopeHandler<? super E> handler) {
            requireRoutable(kind);
            return add(Route.matching(kind, EventPattern.compile(Objects.requireNonNull(pattern, "pattern")), handler));
        }

        /** Receives what no route took (the outer envelope for SNS), instead of the unmatched policy. */
        public Builder otherwise(EnvelopeHandler<Envelope> handler) {
            this.fallback = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** What to do when nothing took a message and there is no fallback; default {@link UnmatchedPolicy#FAIL}. */
        public Builder unmatched(UnmatchedPolicy policy) {
            this.unmatched = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder decoder(EnvelopeDecoder decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        public Router build() {
            return new Router(this);
        }

        private Builder add(Route route) {
            routes.add(route);
            return this;
        }

        private static void requireRoutable(Class<? extends Envelope> kind) {
            if (kind == DecodeFailure.class || kind == S3TestEvent.class || kind == Envelope.class) {
                throw new IllegalArgumentException(kind.getSimpleName()
                        + " cannot be routed: decode failures always fail, S3 test events are always acknowledged,"
                        + " and a handler for every envelope is otherwise(…)");
            }
        }
    }
}

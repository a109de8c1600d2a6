package io.pipekit.pipes.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * pipekit's local EventBridge Pipes runtime: runs pipes declared as the Pipes API declares them
 * (Kinesis, DynamoDB-stream and SQS sources; SQS targets) against real emulators, copying the
 * behaviour of docs/aws-behaviour.md §1 and §10.2.
 *
 * <p>The lifecycle is asynchronous like the service: {@link #create} returns {@code CREATING} and
 * the pipe moves on to {@code RUNNING}, {@code STOPPED} or {@code CREATE_FAILED} with a
 * {@code StateReason}. Stream checkpoints live in memory: they survive {@code StopPipe}/
 * {@code StartPipe} and {@code UpdatePipe}, not a restart of the runtime (a new runtime starts from
 * the pipe's {@code StartingPosition}).
 *
 * <p>Serve it on the Pipes REST API with {@link PipesApiServer} so {@code PipesClient} works unchanged.
 */
public final class PipesRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipesRuntime.class);

    /**
     * Tuning knobs. {@code idlePollInterval}: wait after an empty GetRecords (AWS polls Kinesis about
     * once a second and DynamoDB four times a second; locally shorter keeps tests quick).
     * {@code initialBackoff}/{@code maxBackoff}: retry delays after target failures.
     * {@code sqsWaitTime}: long-poll wait of SQS sources. {@code shardDiscoveryInterval}: how often
     * new shards are looked for. {@code stopGrace}: how long a stop waits for the batch in flight.
     * {@code targetFailureStop}: how long a target may answer nothing but customer errors (4xx: queue
     * missing, access denied) before the pipe is stopped with a {@code StateReason}, as AWS disables a
     * pipe on "nearly continuous 4xx errors" (docs/aws-behaviour.md §1.9; AWS gives no figure, 5
     * minutes by default here).
     */
    public record Options(Duration idlePollInterval, Duration initialBackoff, Duration maxBackoff,
            Duration sqsWaitTime, Duration shardDiscoveryInterval, Duration stopGrace, Duration targetFailureStop) {

        public static Options defaults() {
            return new Options(Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(30),
                    Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(5));
        }

        public Options withBackoff(Duration initial, Duration max) {
            return new Options(idlePollInterval, initial, max, sqsWaitTime, shardDiscoveryInterval, stopGrace, targetFailureStop);
        }

        public Options withIdlePollInterval(Duration interval) {
            return new Options(interval, initialBackoff, maxBackoff, sqsWaitTime, shardDiscoveryInterval, stopGrace, targetFailureStop);
        }

        public Options withTargetFailureStop(Duration after) {
            return new Options(idlePollInterval, initialBackoff, maxBackoff, sqsWaitTime, shardDiscoveryInterval, stopGrace, after);
        }
    }

    private final SqsClient sqs;
    private final KinesisClient kinesis;
    private final DynamoDbStreamsClient dynamoDbStreams;
    private final String region;
    private final String accountId;
    private final Options options;
    private final ConcurrentMap<String, Pipe> pipes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** One pipe's state; guarded by its own monitor. */
    private static final class Pipe {
        PipeDefinition definition;
        PipeSettings settings;
        final String arn;
        final Instant creationTime;
        Instant lastModifiedTime;
        String desiredState;
        PipeState currentState;
        String stateReason;
        PipeRunner runner;
        /** In-memory stream checkpoints, shard id → last delivered sequence number. */
        final ConcurrentMap<String, String> checkpoints = new ConcurrentHashMap<>();
        final PipeMetrics metrics = new PipeMetrics();

        Pipe(PipeDefinition definition, PipeSettings settings, String arn) {
            this.definition = definition;
            this.settings = settings;
            this.arn = arn;
            this.creationTime = Instant.now();
            this.lastModifiedTime = creationTime;
        }

        synchronized PipeDefinition.Description describe() {
            return new PipeDefinition.Description(definition, arn, desiredState, currentState, stateReason, creationTime, lastModifiedTime);
        }
    }

    private PipesRuntime(Builder builder) {
        this.sqs = Objects.requireNonNull(builder.sqs, "an SqsClient is required (pipe targets are SQS queues)");
        this.kinesis = builder.kinesis;
        this.dynamoDbStreams = builder.dynamoDbStreams;
        this.region = builder.region;
        this.accountId = builder.accountId;
        this.options = builder.options;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String pipeArn(String name) {
        return "arn:aws:pipes:" + region + ":" + accountId + ":pipe/" + name;
    }

    /** {@code CreatePipe}: validates now (ValidationException), then starts asynchronously. */
    public PipeDefinition.Description create(PipeDefinition definition) {
        checkOpen();
        definition.validate();
        String arn = pipeArn(definition.name());
        PipeSettings settings = PipeSettings.of(definition, arn);
        if (PipeSettings.isSnsTopic(settings.deadLetterArn())) {
            LOG.warn("pipe {}: its DLQ is the SNS topic {}; the local stack has no SNS, so records bound for it are logged at ERROR and lost",
                    definition.name(), settings.deadLetterArn());
        }
        Pipe pipe = new Pipe(definition, settings, arn);
        pipe.desiredState = definition.desiredState();
        pipe.currentState = PipeState.CREATING;
        if (pipes.putIfAbsent(definition.name(), pipe) != null) {
            throw PipesApiException.conflict("Pipe " + definition.name() + " already exists.");
        }
        PipeDefinition.Description created = pipe.describe();
        Thread.ofVirtual().name("pipe-create-" + definition.name()).start(() -> activate(pipe, PipeState.CREATE_FAILED));
        return created;
    }

    public PipeDefinition.Description describe(String name) {
        return require(name).describe();
    }

    public List<PipeDefinition.Description> list() {
        List<PipeDefinition.Description> all = new ArrayList<>();
        pipes.values().forEach(p -> all.add(p.describe()));
        all.sort(Comparator.comparing(PipeDefinition.Description::name));
        return all;
    }

    /** Counters of a pipe (delivered, filtered, dead-lettered, discarded). */
    public PipeMetrics metrics(String name) {
        return require(name).metrics;
    }

    /** {@code StartPipe}: {@code STARTING}, then {@code RUNNING} (resuming from the checkpoints). */
    public PipeDefinition.Description start(String name) {
        Pipe pipe = require(name);
        synchronized (pipe) {
            requireSettled(pipe);
            pipe.desiredState = "RUNNING";
            pipe.lastModifiedTime = Instant.now();
            if (pipe.currentState == PipeState.RUNNING) {
                return pipe.describe();
            }
            pipe.currentState = PipeState.STARTING;
            pipe.stateReason = null;
        }
        PipeDefinition.Description starting = pipe.describe();
        Thread.ofVirtual().start(() -> activate(pipe, PipeState.START_FAILED));
        return starting;
    }

    /** {@code StopPipe}: {@code STOPPING} until the batch in flight is done, then {@code STOPPED}. */
    public PipeDefinition.Description stop(String name) {
        Pipe pipe = require(name);
        PipeRunner runner;
        synchronized (pipe) {
            requireSettled(pipe);
            pipe.desiredState = "STOPPED";
            pipe.lastModifiedTime = Instant.now();
            if (pipe.currentState == PipeState.STOPPED) {
                return pipe.describe();
            }
            pipe.currentState = PipeState.STOPPING;
            runner = pipe.runner;
            pipe.runner = null;
        }
        PipeDefinition.Description stopping = pipe.describe();
        Thread.ofVirtual().start(() -> {
            if (runner != null) {
                runner.stop(options.stopGrace());
            }
            synchronized (pipe) {
                pipe.currentState = PipeState.STOPPED;
                pipe.stateReason = null;
            }
        });
        return stopping;
    }

    /**
     * {@code UpdatePipe} (docs/aws-behaviour.md §1.10): top-level fields the request leaves out keep
     * their values; inside {@code SourceParameters}, {@code TargetParameters} and
     * {@code EnrichmentParameters} each member given replaces its old value whole, so a
     * service-specific object such as {@code KinesisStreamParameters} reverts every optional field it
     * omits to the default, while members not given (e.g. {@code FilterCriteria}) stay. {@code Source}
     * and {@code StartingPosition} are immutable; {@code Tags} are not part of the request.
     */
    public PipeDefinition.Description update(PipeDefinition definition) {
        Pipe pipe = require(definition.name());
        PipeRunner runner;
        synchronized (pipe) {
            requireSettled(pipe);
            com.fasterxml.jackson.databind.node.ObjectNode request = merge(pipe.definition.request(), definition.request());
            // UpdatePipe's stream parameters have no StartingPosition: it is immutable and carries over
            String member = pipe.settings.kind().parametersMember;
            com.fasterxml.jackson.databind.JsonNode old = pipe.definition.sourceParameters().path(member);
            for (String immutable : List.of("StartingPosition", "StartingPositionTimestamp")) {
                if (old.has(immutable) && !request.path("SourceParameters").path(member).has(immutable)) {
                    request.withObject("/SourceParameters").withObject("/" + member).set(immutable, old.get(immutable));
                }
            }
            PipeDefinition merged = new PipeDefinition(definition.name(), request);
            if (!Objects.equals(merged.source(), pipe.definition.source())) {
                throw PipesApiException.validation("Source cannot be updated. To change the source, delete the pipe and create a new one.");
            }
            merged.validate();
            PipeSettings settings = PipeSettings.of(merged, pipe.arn);
            if (pipe.settings.kind().isStream() && !Objects.equals(settings.startingPosition(), pipe.settings.startingPosition())) {
                throw PipesApiException.validation("StartingPosition cannot be updated.");
            }
            pipe.definition = merged;
            pipe.settings = settings;
            pipe.desiredState = definition.request().has("DesiredState") ? merged.desiredState() : pipe.desiredState;
            pipe.currentState = PipeState.UPDATING;
            pipe.stateReason = null;
            pipe.lastModifiedTime = Instant.now();
            runner = pipe.runner;
            pipe.runner = null;
        }
        PipeDefinition.Description updating = pipe.describe();
        Thread.ofVirtual().start(() -> {
            if (runner != null) {
                runner.stop(options.stopGrace());
            }
            activate(pipe, PipeState.UPDATE_FAILED);
        });
        return updating;
    }

    /** The pipe's request after an {@code UpdatePipe} with {@code update} on {@code current}, as above. */
    static com.fasterxml.jackson.databind.node.ObjectNode merge(com.fasterxml.jackson.databind.node.ObjectNode current,
            com.fasterxml.jackson.databind.node.ObjectNode update) {
        com.fasterxml.jackson.databind.node.ObjectNode merged = current.deepCopy();
        update.properties().forEach(field -> {
            String name = field.getKey();
            com.fasterxml.jackson.databind.JsonNode value = field.getValue();
            if (name.equals("Tags")) {
                return; // UpdatePipe has no Tags member: tags change through TagResource/UntagResource only
            }
            if (PARAMETER_OBJECTS.contains(name) && value.isObject() && merged.path(name).isObject()) {
                com.fasterxml.jackson.databind.node.ObjectNode parameters = (com.fasterxml.jackson.databind.node.ObjectNode) merged.get(name);
                value.properties().forEach(member -> parameters.set(member.getKey(), member.getValue().deepCopy()));
            } else {
                merged.set(name, value.deepCopy());
            }
        });
        // docs/aws-behaviour.md §1.6: an empty InputTemplate removes the template
        for (String parameters : List.of("TargetParameters", "EnrichmentParameters")) {
            com.fasterxml.jackson.databind.JsonNode template = merged.path(parameters).path("InputTemplate");
            if (template.isTextual() && template.asText().isEmpty()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) merged.get(parameters)).remove("InputTemplate");
            }
        }
        return merged;
    }

    private static final java.util.Set<String> PARAMETER_OBJECTS = java.util.Set.of("SourceParameters", "TargetParameters", "EnrichmentParameters");

    /** {@code DeletePipe}: {@code DELETING}, then gone (with its checkpoints). */
    public PipeDefinition.Description delete(String name) {
        Pipe pipe = require(name);
        PipeRunner runner;
        synchronized (pipe) {
            if (pipe.currentState == PipeState.DELETING) {
                throw PipesApiException.conflict("Pipe " + name + " is already being deleted.");
            }
            pipe.desiredState = "DELETED";
            pipe.currentState = PipeState.DELETING;
            pipe.lastModifiedTime = Instant.now();
            runner = pipe.runner;
            pipe.runner = null;
        }
        PipeDefinition.Description deleting = pipe.describe();
        Thread.ofVirtual().start(() -> {
            if (runner != null) {
                runner.stop(options.stopGrace());
            }
            pipes.remove(name, pipe);
        });
        return deleting;
    }

    /** Checks source and target, then runs the pipe or leaves it {@code STOPPED} as desired. */
    private void activate(Pipe pipe, PipeState failureState) {
        PipeSettings settings;
        String desired;
        synchronized (pipe) {
            settings = pipe.settings;
            desired = pipe.desiredState;
        }
        StreamSource source;
        try {
            source = streamSource(settings);
            if (source != null) {
                source.checkExists();
            } else {
                sqs.getQueueUrl(b -> b.queueName(Arns.name(settings.sourceArn())).queueOwnerAWSAccountId(Arns.account(settings.sourceArn())));
            }
            new SqsTarget(sqs, settings.targetArn()).queueUrl();
        } catch (RuntimeException e) {
            String reason = e instanceof StreamSource.SourceGoneException ? e.getMessage() : describeFailure(e, settings);
            LOG.warn("pipe {} failed: {}", settings.pipeName(), reason);
            synchronized (pipe) {
                pipe.currentState = failureState;
                pipe.stateReason = truncate(reason);
            }
            return;
        }
        synchronized (pipe) {
            if (pipe.currentState == PipeState.DELETING || closed) {
                return;
            }
            if ("RUNNING".equals(desired)) {
                PipeRunner runner = new PipeRunner(settings, source, sqs, options, pipe.checkpoints, pipe.metrics, reason -> autoStop(pipe, reason));
                try {
                    runner.start();
                } catch (RuntimeException e) {
                    runner.stop(Duration.ZERO);
                    LOG.warn("pipe {} failed to start: {}", settings.pipeName(), e.toString());
                    pipe.currentState = failureState;
                    pipe.stateReason = truncate(e.getMessage());
                    return;
                }
                pipe.runner = runner;
                pipe.currentState = PipeState.RUNNING;
            } else {
                pipe.currentState = PipeState.STOPPED;
            }
        }
    }

    /**
     * A source that disappeared, or a target that answered only customer errors for
     * {@link Options#targetFailureStop}, stops the pipe with a {@code StateReason}
     * (docs/aws-behaviour.md §1.9): {@code CurrentState} {@code STOPPED}, {@code DesiredState} unchanged.
     */
    private void autoStop(Pipe pipe, String reason) {
        LOG.warn("pipe {} stopped: {}", pipe.definition.name(), reason);
        PipeRunner runner;
        synchronized (pipe) {
            runner = pipe.runner;
            pipe.runner = null;
            pipe.currentState = PipeState.STOPPED;
            pipe.stateReason = truncate(reason);
        }
        if (runner != null) {
            Thread.ofVirtual().start(() -> runner.stop(options.stopGrace()));
        }
    }

    private StreamSource streamSource(PipeSettings settings) {
        return switch (settings.kind()) {
            case KINESIS -> new KinesisSource(requireClient(kinesis, "Kinesis"), settings.sourceArn());
            case DYNAMODB -> new DynamoDbSource(requireClient(dynamoDbStreams, "DynamoDB Streams"), settings.sourceArn(), region);
            case SQS -> null;
        };
    }

    private static <T> T requireClient(T client, String service) {
        if (client == null) {
            throw new IllegalStateException("this local Pipes runtime has no " + service + " client; start LocalCloud with that service");
        }
        return client;
    }

    private static String describeFailure(RuntimeException e, PipeSettings settings) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException) {
            return "Target or source queue not found (" + settings.targetArn() + " / " + settings.sourceArn() + "): " + message;
        }
        return message;
    }

    private static String truncate(String reason) {
        // StateReason is at most 512 characters (docs/aws-behaviour.md §1.10)
        return reason == null || reason.length() <= 512 ? reason : reason.substring(0, 512);
    }

    private Pipe require(String name) {
        Pipe pipe = pipes.get(name);
        if (pipe == null) {
            throw PipesApiException.notFound(name);
        }
        return pipe;
    }

    private static void requireSettled(Pipe pipe) {
        switch (pipe.currentState) {
            case CREATING, UPDATING, DELETING, STARTING, STOPPING -> throw PipesApiException.conflict(
                    "Pipe " + pipe.definition.name() + " is in state " + pipe.currentState + "; wait until it settles.");
            default -> { }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this PipesRuntime is closed");
        }
    }

    /** Stops every pipe (letting batches in flight finish) and forgets them and their checkpoints. */
    @Override
    public void close() {
        closed = true;
        List<Thread> stopping = new ArrayList<>();
        for (Map.Entry<String, Pipe> entry : pipes.entrySet()) {
            PipeRunner runner;
            synchronized (entry.getValue()) {
                runner = entry.getValue().runner;
                entry.getValue().runner = null;
            }
            if (runner != null) {
                stopping.add(Thread.ofVirtual().start(() -> runner.stop(options.stopGrace())));
            }
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        pipes.clear();
    }

    public static final class Builder {
        private SqsClient sqs;
        private KinesisClient kinesis;
        private DynamoDbStreamsClient dynamoDbStreams;
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private Options options = Options.defaults();

        private Builder() {}

        /** The client for SQS targets, DLQs and SQS sources (required). The runtime does not close clients. */
        public Builder sqs(SqsClient sqs) {
            this.sqs = sqs;
            return this;
        }

        public Builder kinesis(KinesisClient kinesis) {
            this.kinesis = kinesis;
            return this;
        }

        public Builder dynamoDbStreams(DynamoDbStreamsClient dynamoDbStreams) {
            this.dynamoDbStreams = dynamoDbStreams;
            return this;
        }

        /** Region and account of the pipe ARNs. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        public Builder options(Options options) {
            this.options = options;
            return this;
        }

        public PipesRuntime build() {
            return new PipesRuntime(this);
        }
    }
}

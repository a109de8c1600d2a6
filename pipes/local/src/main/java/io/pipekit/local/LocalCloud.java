package io.pipekit.local;

import io.pipekit.pipes.bus.EventBridgeApiServer;
import io.pipekit.pipes.bus.LocalEventBus;
import io.pipekit.pipes.runtime.PipesApiServer;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole local AWS stack of one run, behind one handle: ElasticMQ (SQS), DynamoDB Local
 * (tables + Streams), a Kinesis emulator (kinesis-mock or kinesalite), pipekit's local Pipes runtime
 * (Pipes REST API) and its local EventBridge bus (EventBridge JSON API) — each on a free loopback
 * port, started in parallel, stopped by {@link #close()} or when the JVM exits. With
 * {@link Builder#withEndpoint(int)} all of them are also behind one port (LocalStack's 4566), so
 * {@code AWS_ENDPOINT_URL} alone points any SDK, the AWS CLI or boto3 at the stack.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.builder().withAll().start()) {
 *     Map<String, String> env = cloud.environment();   // AWS_ENDPOINT_URL_SQS=..., AWS_REGION=...
 *     cloud.pipesClient().createPipe(...);              // runs locally
 * }
 * }</pre>
 */
public final class LocalCloud implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCloud.class);
    /** {@code -Dpipekit.kinesis.backend=kinesalite} (or env {@code PIPEKIT_KINESIS_BACKEND}) switches the default backend. */
    public static final String KINESIS_BACKEND_PROPERTY = "pipekit.kinesis.backend";

    private final EmbeddedSqs sqs;
    private final EmbeddedDynamoDb dynamoDb;
    private final EmbeddedKinesis kinesis;
    private final PipesRuntime pipes;
    private final PipesApiServer pipesApi;
    private final LocalEventBus eventBus;
    private final EventBridgeApiServer eventBridgeApi;
    private final Map<LocalService, URI> endpoints;
    private final LocalEndpoint front;
    private final Deque<AutoCloseable> closeables;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private LocalCloud(Started started, Duration startupTime) {
        this.sqs = started.sqs;
        this.dynamoDb = started.dynamoDb;
        this.kinesis = started.kinesis;
        this.pipes = started.pipes;
        this.pipesApi = started.pipesApi;
        this.eventBus = started.eventBus;
        this.eventBridgeApi = started.eventBridgeApi;
        this.endpoints = Map.copyOf(started.endpoints);
        this.front = started.front;
        this.closeables = started.closeables;
        this.startupTime = startupTime;
        this.shutdownHook = Thread.ofPlatform().unstarted(this::stopAll);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Everything, with the default Kinesis backend. */
    public static LocalCloud startAll() {
        return builder().withAll().start();
    }

    /** {@code pipekit local}: see {@link LocalCommand}. */
    public static void main(String[] args) {
        LocalCommand.main(args);
    }

    /** The services this instance runs. */
    public Set<LocalService> services() {
        return endpoints.isEmpty() ? EnumSet.noneOf(LocalService.class) : EnumSet.copyOf(endpoints.keySet());
    }

    /** The endpoint URL of a running service; throws if it was not started. */
    public URI endpoint(LocalService service) {
        URI uri = endpoints.get(service);
        if (uri == null) {
            throw new IllegalStateException(service + " is not part of this LocalCloud; add it with the builder's with" + service + "()-style method");
        }
        return uri;
    }

    /**
     * The single endpoint every service is behind ({@link Builder#withEndpoint(int)}); throws when
     * the stack was started without it.
     */
    public URI endpoint() {
        if (front == null) {
            throw new IllegalStateException("this LocalCloud has no single endpoint; start it with the builder's withEndpoint(port)");
        }
        return front.uri();
    }

    /**
     * What a child process needs to talk to this stack: {@code AWS_ENDPOINT_URL} of the single
     * endpoint when there is one, else {@code AWS_ENDPOINT_URL_<SERVICE>} for every running service;
     * region (as {@code AWS_REGION} for the Java SDK and {@code AWS_DEFAULT_REGION} for the AWS CLI
     * and boto3), dummy credentials, and {@code CBOR_ENABLED=false} under kinesalite.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (front != null) {
            env.put("AWS_ENDPOINT_URL", front.uri().toString());
        } else {
            endpoints.forEach((service, uri) -> service.endpointVariables().forEach(name -> env.put(name, uri.toString())));
        }
        env.put("AWS_REGION", EmbeddedSqs.REGION.id());
        env.put("AWS_DEFAULT_REGION", EmbeddedSqs.REGION.id());
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        if (kinesis != null && kinesis.backend() == KinesisBackend.KINESALITE) {
            env.put("CBOR_ENABLED", "false");
        }
        return env;
    }

    /** Wall time from {@link Builder#start()} until every service answered. */
    public Duration startupTime() {
        return startupTime;
    }

    public EmbeddedSqs sqs() {
        return require(sqs, LocalService.SQS);
    }

    public EmbeddedDynamoDb dynamoDb() {
        return require(dynamoDb, LocalService.DYNAMODB);
    }

    public EmbeddedKinesis kinesis() {
        return require(kinesis, LocalService.KINESIS);
    }

    /** The local Pipes runtime (also reachable through {@link #pipesClient()}). */
    public PipesRuntime pipes() {
        return require(pipes, LocalService.PIPES);
    }

    /** The local EventBridge bus (also reachable through {@link #eventBridgeClient()}). */
    public LocalEventBus eventBus() {
        return require(eventBus, LocalService.EVENTBRIDGE);
    }

    /** New SDK clients for this stack; callers own and close them. */
    public SqsClient sqsClient() {
        return sqs().newClient();
    }

    public DynamoDbClient dynamoDbClient() {
        return dynamoDb().newClient();
    }

    public DynamoDbStreamsClient dynamoDbStreamsClient() {
        return dynamoDb().newStreamsClient();
    }

    public KinesisClient kinesisClient() {
        return kinesis().newClient();
    }

    public PipesClient pipesClient() {
        return PipesClient.builder()
                .endpointOverride(endpoint(LocalService.PIPES))
                .region(EmbeddedSqs.REGION)
                .credentialsProvider(LocalCredentials.PROVIDER)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    public EventBridgeClient eventBridgeClient() {
        return EventBridgeClient.builder()
                .endpointOverride(endpoint(LocalService.EVENTBRIDGE))
                .region(EmbeddedSqs.REGION)
                .credentialsProvider(LocalCredentials.PROVIDER)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void stopAll() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(closeables);
    }

    private static void closeQuietly(Deque<AutoCloseable> closeables) {
        // reverse start order: the runtime and the bus stop before the emulators they call
        while (!closeables.isEmpty()) {
            AutoCloseable closeable = closeables.pop();
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private <T> T require(T value, LocalService service) {
        if (value == null) {
            throw new IllegalStateException(service + " is not part of this LocalCloud");
        }
        return value;
    }

    /** Chooses the services; {@link #start()} starts them on free loopback ports. */
    public static final class Builder {
        private final Set<LocalService> services = EnumSet.noneOf(LocalService.class);
        private KinesisBackend kinesisBackend = defaultBackend();
        private PipesRuntime.Options pipesOptions = PipesRuntime.Options.defaults();
        private String endpointHost;
        private int endpointPort = -1;

        private Builder() {}

        /**
         * Also serves every service on one loopback port (4566 for
         * {@code pipekit local}; 0 = a free one, for tests). A taken port fails {@link #start()} at once,
         * before any emulator starts, with one clear line.
         */
        public Builder withEndpoint(int port) {
            return withEndpoint("127.0.0.1", port);
        }

        /** As {@link #withEndpoint(int)}, bound to {@code host} ({@code 0.0.0.0} for containers on a bridge network). */
        public Builder withEndpoint(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in 0..65535");
            }
            this.endpointHost = host;
            this.endpointPort = port;
            return this;
        }

        public Builder withSqs() {
            services.add(LocalService.SQS);
            return this;
        }

        public Builder withDynamoDb() {
            services.add(LocalService.DYNAMODB);
            return this;
        }

        public Builder withKinesis() {
            services.add(LocalService.KINESIS);
            return this;
        }

        public Builder withKinesis(KinesisBackend backend) {
            this.kinesisBackend = backend;
            return withKinesis();
        }

        /** The local Pipes runtime; implies SQS (its target). Add the source services you need. */
        public Builder withPipes() {
            services.add(LocalService.PIPES);
            return withSqs();
        }

        public Builder withPipes(PipesRuntime.Options options) {
            this.pipesOptions = options;
            return withPipes();
        }

        /** The local EventBridge bus; implies SQS (its target). */
        public Builder withEventBridge() {
            services.add(LocalService.EVENTBRIDGE);
            return withSqs();
        }

        public Builder withAll() {
            return withSqs().withDynamoDb().withKinesis().withPipes().withEventBridge();
        }

        public Builder with(LocalService service) {
            return switch (service) {
                case SQS -> withSqs();
                case DYNAMODB -> withDynamoDb();
                case KINESIS -> withKinesis();
                case PIPES -> withPipes();
                case EVENTBRIDGE -> withEventBridge();
            };
        }

        public LocalCloud start() {
            long begin = System.nanoTime();
            Started started = new Started();
            if (endpointPort >= 0) {
                started.front = LocalEndpoint.bind(endpointHost, endpointPort);
            }
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                CompletableFuture<EmbeddedSqs> sqs = launch(executor, services.contains(LocalService.SQS), EmbeddedSqs::start);
                CompletableFuture<EmbeddedDynamoDb> ddb = launch(executor, services.contains(LocalService.DYNAMODB), EmbeddedDynamoDb::start);
                CompletableFuture<EmbeddedKinesis> kinesis = launch(executor, services.contains(LocalService.KINESIS),
                        () -> EmbeddedKinesis.start(kinesisBackend));
                started.sqs = join(sqs, started, EmbeddedSqs::endpoint, LocalService.SQS);
                started.dynamoDb = join(ddb, started, EmbeddedDynamoDb::endpoint, LocalService.DYNAMODB);
                started.kinesis = join(kinesis, started, EmbeddedKinesis::endpoint, LocalService.KINESIS);
                if (started.failure != null) {
                    throw started.failure;
                }
                if (services.contains(LocalService.PIPES)) {
                    started.pipes = PipesRuntime.builder()
                            .sqs(started.own(started.sqs.newClient()))
                            .kinesis(started.kinesis == null ? null : started.own(started.kinesis.newClient()))
                            .dynamoDbStreams(started.dynamoDb == null ? null : started.own(started.dynamoDb.newStreamsClient()))
                            .region(EmbeddedSqs.REGION.id())
                            .accountId(EmbeddedSqs.ACCOUNT_ID)
                            .options(pipesOptions)
                            .build();
                    started.closeables.push(started.pipes);
                    started.pipesApi = PipesApiServer.start(started.pipes);
                    started.closeables.push(started.pipesApi);
                    started.endpoints.put(LocalService.PIPES, started.pipesApi.endpoint());
                }
                if (services.contains(LocalService.EVENTBRIDGE)) {
                    started.eventBus = LocalEventBus.builder()
                            .sqs(started.own(started.sqs.newClient()))
                            .region(EmbeddedSqs.REGION.id())
                            .accountId(EmbeddedSqs.ACCOUNT_ID)
                            .build();
                    started.closeables.push(started.eventBus);
                    started.eventBridgeApi = EventBridgeApiServer.start(started.eventBus);
                    started.closeables.push(started.eventBridgeApi);
                    started.endpoints.put(LocalService.EVENTBRIDGE, started.eventBridgeApi.endpoint());
                }
                if (started.front != null) {
                    // pushed last, so closed first: no request reaches a backend that is stopping
                    started.front.serve(started.endpoints);
                    started.closeables.push(started.front);
                }
            } catch (RuntimeException e) {
                if (started.front != null && !started.closeables.contains(started.front)) {
                    started.front.close();
                }
                closeQuietly(started.closeables);
                throw e;
            }
            Duration startup = Duration.ofNanos(System.nanoTime() - begin);
            LocalCloud cloud = new LocalCloud(started, startup);
            if (cloud.front != null) {
                LOG.info("LocalCloud started {} in {} ms on {} (per service: {})", cloud.services(), startup.toMillis(), cloud.front.uri(), cloud.endpoints);
            } else {
                LOG.info("LocalCloud started {} in {} ms: {}", cloud.services(), startup.toMillis(), cloud.endpoints);
            }
            return cloud;
        }

        private static <T> CompletableFuture<T> launch(ExecutorService executor, boolean wanted, Supplier<T> starter) {
            return wanted ? CompletableFuture.supplyAsync(starter, executor) : CompletableFuture.completedFuture(null);
        }

        private static <T extends AutoCloseable> T join(
                CompletableFuture<T> future, Started started, java.util.function.Function<T, URI> endpoint, LocalService service) {
            try {
                T value = future.join();
                if (value != null) {
                    started.closeables.push(value);
                    started.endpoints.put(service, endpoint.apply(value));
                }
                return value;
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                if (started.failure == null) {
                    started.failure = cause;
                } else {
                    started.failure.addSuppressed(cause);
                }
                return null;
            }
        }

        private static KinesisBackend defaultBackend() {
            String configured = Optional.ofNullable(System.getProperty(KINESIS_BACKEND_PROPERTY))
                    .orElse(System.getenv("PIPEKIT_KINESIS_BACKEND"));
            return configured == null || configured.isBlank() ? KinesisBackend.KINESIS_MOCK : KinesisBackend.parse(configured);
        }
    }

    /** What {@link Builder#start()} has brought up so far, so a failure can stop it again. */
    private static final class Started {
        EmbeddedSqs sqs;
        EmbeddedDynamoDb dynamoDb;
        EmbeddedKinesis kinesis;
        PipesRuntime pipes;
        PipesApiServer pipesApi;
        LocalEventBus eventBus;
        EventBridgeApiServer eventBridgeApi;
        LocalEndpoint front;
        final Map<LocalService, URI> endpoints = new EnumMap<>(LocalService.class);
        final Deque<AutoCloseable> closeables = new ArrayDeque<>();
        RuntimeException failure;

        /** Registers a client the stack created for itself, so close() closes it too. */
        <T extends AutoCloseable> T own(T client) {
            closeables.push(client);
            return client;
        }
    }
}

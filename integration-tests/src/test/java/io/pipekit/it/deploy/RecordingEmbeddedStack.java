package io.pipekit.it.deploy;

import io.pipekit.it.e2e.EmbeddedStack;
import io.pipekit.it.e2e.Stack;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.KinesisBackend;
import io.pipekit.local.LocalCloud;
import io.pipekit.local.LocalService;
import io.pipekit.pipes.bus.EventBridgeApiServer;
import io.pipekit.pipes.bus.LocalEventBus;
import io.pipekit.pipes.runtime.PipeMetrics;
import io.pipekit.pipes.runtime.PipesApiServer;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The embedded stack of the end-to-end suite, wired so that every AWS call of each principal is
 * recorded: the worker's SQS client, the local Pipes runtime's clients (what a pipe's role must
 * allow) and the local bus's SQS client (what the queue policy must allow events.amazonaws.com).
 * The suite's own set-up and assertions use unrecorded clients.
 */
final class RecordingEmbeddedStack implements Stack {

    static final String WORKER = "worker";
    static final String PIPE = "pipe";
    static final String RULE = "rule";

    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final Set<CallRecorder.Call> calls = CallRecorder.newLog();
    private final LocalCloud cloud;
    private final PipesRuntime runtime;
    private final PipesApiServer pipesApi;
    private final LocalEventBus bus;
    private final EventBridgeApiServer busApi;
    private final SqsClient workerSqs;
    private final SqsClient pipeSqs;
    private final KinesisClient pipeKinesis;
    private final DynamoDbStreamsClient pipeStreams;
    private final SqsClient ruleSqs;
    private final Clients clients;

    RecordingEmbeddedStack() {
        cloud = LocalCloud.builder().withSqs().withDynamoDb().withKinesis(KinesisBackend.KINESALITE).start();
        URI sqs = cloud.endpoint(LocalService.SQS);
        workerSqs = recorded(SqsClient.builder(), sqs, WORKER);
        pipeSqs = recorded(SqsClient.builder(), sqs, PIPE);
        pipeKinesis = recorded(KinesisClient.builder(), cloud.endpoint(LocalService.KINESIS), PIPE);
        pipeStreams = recorded(DynamoDbStreamsClient.builder(), cloud.endpoint(LocalService.DYNAMODB), PIPE);
        ruleSqs = recorded(SqsClient.builder(), sqs, RULE);
        runtime = PipesRuntime.builder().sqs(pipeSqs).kinesis(pipeKinesis).dynamoDbStreams(pipeStreams)
                .region(EmbeddedSqs.REGION.id()).accountId(EmbeddedSqs.ACCOUNT_ID).options(EmbeddedStack.fastPipes()).build();
        pipesApi = PipesApiServer.start(runtime);
        bus = LocalEventBus.builder().sqs(ruleSqs).region(EmbeddedSqs.REGION.id()).accountId(EmbeddedSqs.ACCOUNT_ID).build();
        busApi = EventBridgeApiServer.start(bus);
        clients = new Clients(cloud.sqsClient(), cloud.kinesisClient(), cloud.dynamoDbClient(),
                configure(EventBridgeClient.builder(), busApi.endpoint()).build(),
                configure(PipesClient.builder(), pipesApi.endpoint()).build());
    }

    /** Every distinct call made so far by the worker, the pipes and the rules. */
    Set<CallRecorder.Call> calls() {
        return Set.copyOf(calls);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C recorded(B builder, URI endpoint, String principal) {
        return configure(builder, endpoint)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new CallRecorder(principal, calls))).build();
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder, URI endpoint) {
        // long polls of 20 s need a socket timeout above it
        return builder.endpointOverride(endpoint).region(EmbeddedSqs.REGION).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).maxConnections(128));
    }

    @Override
    public String label() {
        return "recorded";
    }

    @Override
    public Clients clients() {
        return clients;
    }

    @Override
    public SqsClient workerSqs() {
        return workerSqs;
    }

    @Override
    public PipeMetrics pipeMetrics(String pipeName) {
        return runtime.metrics(pipeName);
    }

    @Override
    public void close() {
        // the runtime and the bus call through their clients: stop them first
        pipesApi.close();
        runtime.close();
        busApi.close();
        bus.close();
        clients.close();
        workerSqs.close();
        pipeSqs.close();
        pipeKinesis.close();
        pipeStreams.close();
        ruleSqs.close();
        cloud.close();
    }
}

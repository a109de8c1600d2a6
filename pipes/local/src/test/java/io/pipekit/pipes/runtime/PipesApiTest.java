package io.pipekit.pipes.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipekit.local.EmbeddedSqs;
import io.pipekit.local.LocalCloud;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.pipes.PipesClient;
import software.amazon.awssdk.services.pipes.model.ConflictException;
import software.amazon.awssdk.services.pipes.model.CreatePipeResponse;
import software.amazon.awssdk.services.pipes.model.DescribePipeResponse;
import software.amazon.awssdk.services.pipes.model.KinesisStreamStartPosition;
import software.amazon.awssdk.services.pipes.model.NotFoundException;
import software.amazon.awssdk.services.pipes.model.PipeState;
import software.amazon.awssdk.services.pipes.model.RequestedPipeState;
import software.amazon.awssdk.services.pipes.model.ValidationException;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The SDK's PipesClient, unchanged, against the local Pipes REST API (docs/aws-behaviour.md §1.10). */
class PipesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCloud cloud;
    private static PipesClient pipes;
    private static KinesisClient kinesis;
    private static SqsClient sqs;

    @BeforeAll
    static void startStack() {
        cloud = LocalCloud.builder().withKinesis().withPipes(PipesRuntime.Options.defaults()
                .withIdlePollInterval(Duration.ofMillis(50)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .withTargetFailureStop(Duration.ofSeconds(2))).start();
        pipes = cloud.pipesClient();
        kinesis = cloud.kinesisClient();
        sqs = cloud.sqsClient();
        kinesis.createStream(b -> b.streamName("api-orders").shardCount(1));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("api-orders")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    @AfterAll
    static void stopStack() {
        pipes.close();
        kinesis.close();
        sqs.close();
        cloud.close();
    }

    @Test
    void fullLifecycleThroughTheSdk() throws Exception {
        String queue = cloud.sqs().createQueue("api-worker", Map.of());
        String source = "arn:aws:kinesis:us-east-1:000000000000:stream/api-orders";
        CreatePipeResponse created = pipes.createPipe(b -> b.name("api-pipe").source(source).target(EmbeddedSqs.queueArn("api-worker"))
                .roleArn("arn:aws:iam::000000000000:role/pipe-role")
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON).batchSize(10))
                        .filterCriteria(f -> f.filters(x -> x.pattern("{\"data\":{\"keep\":[true]}}"))))
                .targetParameters(t -> t.inputTemplate("{\"n\":<$.data.n>,\"pipe\":<aws.pipes.pipe-arn>}"))
                .tags(Map.of("team", "kit")));
        assertThat(created.currentState()).isEqualTo(PipeState.CREATING);
        assertThat(created.arn()).isEqualTo("arn:aws:pipes:us-east-1:000000000000:pipe/api-pipe");
        assertThat(created.creationTime()).isNotNull();
        await().until(() -> pipes.describePipe(b -> b.name("api-pipe")).currentState() == PipeState.RUNNING);

        DescribePipeResponse described = pipes.describePipe(b -> b.name("api-pipe"));
        assertThat(described.source()).isEqualTo(source);
        assertThat(described.sourceParameters().kinesisStreamParameters().batchSize()).isEqualTo(10);
        assertThat(described.sourceParameters().filterCriteria().filters().getFirst().pattern()).isEqualTo("{\"data\":{\"keep\":[true]}}");
        assertThat(described.targetParameters().inputTemplate()).startsWith("{\"n\":");
        assertThat(described.desiredStateAsString()).isEqualTo("RUNNING");
        assertThat(described.tags()).containsEntry("team", "kit");

        kinesis.putRecord(b -> b.streamName("api-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"keep\":false,\"n\":1}")));
        kinesis.putRecord(b -> b.streamName("api-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"keep\":true,\"n\":2}")));
        assertThat(JSON.readTree(Received.await(sqs, queue, 1).getFirst().body()))
                .isEqualTo(JSON.readTree("{\"n\":2,\"pipe\":\"arn:aws:pipes:us-east-1:000000000000:pipe/api-pipe\"}"));

        assertThat(pipes.listPipes(b -> b.namePrefix("api-")).pipes()).extracting(p -> p.name()).containsExactly("api-pipe");
        assertThat(pipes.listPipes(b -> b.namePrefix("zzz")).pipes()).isEmpty();

        assertThat(pipes.stopPipe(b -> b.name("api-pipe")).currentState()).isEqualTo(PipeState.STOPPING);
        await().until(() -> pipes.describePipe(b -> b.name("api-pipe")).currentState() == PipeState.STOPPED);
        assertThat(pipes.describePipe(b -> b.name("api-pipe")).desiredStateAsString()).isEqualTo("STOPPED");

        // UpdatePipe replaces the template; Source stays, and restarting resumes after the checkpoint
        pipes.updatePipe(b -> b.name("api-pipe").roleArn("arn:aws:iam::000000000000:role/pipe-role").desiredState(RequestedPipeState.RUNNING)
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.batchSize(5))
                        .filterCriteria(f -> f.filters(x -> x.pattern("{\"data\":{\"keep\":[true]}}"))))
                .targetParameters(t -> t.inputTemplate("{\"updated\":<$.data.n>}")));
        await().until(() -> pipes.describePipe(b -> b.name("api-pipe")).currentState() == PipeState.RUNNING);
        kinesis.putRecord(b -> b.streamName("api-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"keep\":true,\"n\":3}")));
        assertThat(Received.await(sqs, queue, 1)).extracting(m -> m.body()).containsExactly("{\"updated\":3}");
        // UpdatePipe carries no Tags: the pipe keeps those of CreatePipe (provisioning finds its pipes by them)
        assertThat(pipes.describePipe(b -> b.name("api-pipe")).tags()).containsEntry("team", "kit");

        pipes.deletePipe(b -> b.name("api-pipe"));
        await().untilAsserted(() -> assertThatThrownBy(() -> pipes.describePipe(b -> b.name("api-pipe"))).isInstanceOf(NotFoundException.class));
        assertThat(Base64.getEncoder()).isNotNull();
    }

    @Test
    void errorsComeBackAsTheSdkExceptionTypes() {
        assertThatThrownBy(() -> pipes.describePipe(b -> b.name("nope"))).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> pipes.createPipe(b -> b.name("too-big").source("arn:aws:kinesis:us-east-1:000000000000:stream/api-orders")
                .target(EmbeddedSqs.queueArn("x")).roleArn("arn:aws:iam::000000000000:role/r")
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.LATEST).batchSize(11)))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("BatchSize 11");
        cloud.sqs().createQueue("dup-worker", Map.of());
        pipes.createPipe(b -> b.name("dup").source("arn:aws:kinesis:us-east-1:000000000000:stream/api-orders").target(EmbeddedSqs.queueArn("dup-worker"))
                .roleArn("arn:aws:iam::000000000000:role/r").desiredState(RequestedPipeState.STOPPED)
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.LATEST))));
        assertThatThrownBy(() -> pipes.createPipe(b -> b.name("dup").source("arn:aws:kinesis:us-east-1:000000000000:stream/api-orders")
                .target(EmbeddedSqs.queueArn("dup-worker")).roleArn("arn:aws:iam::000000000000:role/r")
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.LATEST)))))
                .isInstanceOf(ConflictException.class);
        await().until(() -> pipes.describePipe(b -> b.name("dup")).currentState() == PipeState.STOPPED);
    }

    @Test
    void updatePipeKeepsOmittedFieldsAndReplacesEachParameterObjectWhole() throws Exception {
        String queue = cloud.sqs().createQueue("upd-worker", Map.of());
        cloud.sqs().createQueue("upd-dlq", Map.of());
        // a stream of its own: the lifecycle test reads api-orders from TRIM_HORIZON
        kinesis.createStream(b -> b.streamName("upd-orders").shardCount(1));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("upd-orders")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        String source = "arn:aws:kinesis:us-east-1:000000000000:stream/upd-orders";
        String role = "arn:aws:iam::000000000000:role/pipe-role";
        pipes.createPipe(b -> b.name("upd-pipe").source(source).target(EmbeddedSqs.queueArn("upd-worker")).roleArn(role)
                .description("kept").desiredState(RequestedPipeState.STOPPED)
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.LATEST).batchSize(7)
                                .maximumRetryAttempts(3).deadLetterConfig(d -> d.arn(EmbeddedSqs.queueArn("upd-dlq"))))
                        .filterCriteria(f -> f.filters(x -> x.pattern("{\"data\":{\"keep\":[true]}}"))))
                .targetParameters(t -> t.inputTemplate("{\"n\":<$.data.n>}")));
        await().until(() -> pipes.describePipe(b -> b.name("upd-pipe")).currentState() == PipeState.STOPPED);

        // docs/aws-behaviour.md §1.10: a field the request leaves out keeps its value
        pipes.updatePipe(b -> b.name("upd-pipe").roleArn(role).desiredState(RequestedPipeState.RUNNING));
        await().until(() -> pipes.describePipe(b -> b.name("upd-pipe")).currentState() == PipeState.RUNNING);
        DescribePipeResponse kept = pipes.describePipe(b -> b.name("upd-pipe"));
        assertThat(kept.description()).isEqualTo("kept");
        assertThat(kept.target()).isEqualTo(EmbeddedSqs.queueArn("upd-worker"));
        assertThat(kept.targetParameters().inputTemplate()).isEqualTo("{\"n\":<$.data.n>}");
        assertThat(kept.sourceParameters().filterCriteria().filters()).extracting(f -> f.pattern()).containsExactly("{\"data\":{\"keep\":[true]}}");
        assertThat(kept.sourceParameters().kinesisStreamParameters().batchSize()).isEqualTo(7);
        assertThat(kept.sourceParameters().kinesisStreamParameters().maximumRetryAttempts()).isEqualTo(3);
        assertThat(kept.sourceParameters().kinesisStreamParameters().deadLetterConfig().arn()).isEqualTo(EmbeddedSqs.queueArn("upd-dlq"));
        kinesis.putRecord(b -> b.streamName("upd-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"keep\":false,\"n\":10}")));
        kinesis.putRecord(b -> b.streamName("upd-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"keep\":true,\"n\":11}")));
        assertThat(Received.await(sqs, queue, 1)).extracting(m -> m.body()).containsExactly("{\"n\":11}");

        // a service-specific parameter object given is replaced whole: what it omits reverts to the default
        pipes.updatePipe(b -> b.name("upd-pipe").roleArn(role).sourceParameters(p -> p.kinesisStreamParameters(k -> k.batchSize(5))));
        await().until(() -> pipes.describePipe(b -> b.name("upd-pipe")).currentState() == PipeState.RUNNING);
        DescribePipeResponse replaced = pipes.describePipe(b -> b.name("upd-pipe"));
        assertThat(replaced.sourceParameters().kinesisStreamParameters().batchSize()).isEqualTo(5);
        assertThat(replaced.sourceParameters().kinesisStreamParameters().deadLetterConfig()).isNull();
        assertThat(replaced.sourceParameters().kinesisStreamParameters().startingPosition()).isEqualTo(KinesisStreamStartPosition.LATEST);
        assertThat(replaced.sourceParameters().filterCriteria().filters()).hasSize(1);
        assertThat(replaced.desiredStateAsString()).isEqualTo("RUNNING");

        // docs/aws-behaviour.md §1.6: an empty InputTemplate removes the template
        pipes.updatePipe(b -> b.name("upd-pipe").roleArn(role).targetParameters(t -> t.inputTemplate("")));
        await().until(() -> pipes.describePipe(b -> b.name("upd-pipe")).currentState() == PipeState.RUNNING);
        assertThat(pipes.describePipe(b -> b.name("upd-pipe")).targetParameters().inputTemplate()).isNull();
        pipes.deletePipe(b -> b.name("upd-pipe"));
    }

    @Test
    void aTargetThatKeepsRefusingStopsThePipeWithAStateReason() throws Exception {
        kinesis.createStream(b -> b.streamName("stuck-orders").shardCount(1));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("stuck-orders")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        String queue = cloud.sqs().createQueue("stuck-worker", Map.of());
        pipes.createPipe(b -> b.name("stuck").source("arn:aws:kinesis:us-east-1:000000000000:stream/stuck-orders").target(EmbeddedSqs.queueArn("stuck-worker"))
                .roleArn("arn:aws:iam::000000000000:role/pipe-role")
                // retried without limit: only the auto-stop ends it
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON).maximumRetryAttempts(-1))));
        await().until(() -> pipes.describePipe(b -> b.name("stuck")).currentState() == PipeState.RUNNING);
        sqs.deleteQueue(b -> b.queueUrl(queue));
        kinesis.putRecord(b -> b.streamName("stuck-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"n\":1}")));

        // docs/aws-behaviour.md §1.9: nearly continuous 4xx errors disable the pipe with an explanatory StateReason
        await().atMost(Duration.ofSeconds(30)).until(() -> pipes.describePipe(b -> b.name("stuck")).currentState() == PipeState.STOPPED);
        DescribePipeResponse stopped = pipes.describePipe(b -> b.name("stuck"));
        assertThat(stopped.stateReason()).contains("continuous errors from its target").contains(EmbeddedSqs.queueArn("stuck-worker"));
        assertThat(stopped.desiredStateAsString()).isEqualTo("RUNNING");

        // nothing was checkpointed: once the queue is back, StartPipe delivers the record
        String back = cloud.sqs().createQueue("stuck-worker", Map.of());
        pipes.startPipe(b -> b.name("stuck"));
        assertThat(Received.await(sqs, back, 1)).hasSize(1);
        assertThat(pipes.describePipe(b -> b.name("stuck")).stateReason()).isNull();
        pipes.deletePipe(b -> b.name("stuck"));
    }

    @Test
    void listPipesPagesWithLimitAndNextTokenAndUntagResourceRemovesTags() {
        cloud.sqs().createQueue("page-worker", Map.of());
        for (String name : java.util.List.of("page-a", "page-b", "page-c")) {
            pipes.createPipe(b -> b.name(name).source("arn:aws:kinesis:us-east-1:000000000000:stream/api-orders").target(EmbeddedSqs.queueArn("page-worker"))
                    .roleArn("arn:aws:iam::000000000000:role/r").desiredState(RequestedPipeState.STOPPED).tags(Map.of("team", "kit", "tier", "1"))
                    .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.LATEST))));
        }
        // docs/aws-behaviour.md §1.3: DescribePipe shows the defaults the pipe runs with
        var described = pipes.describePipe(b -> b.name("page-a")).sourceParameters().kinesisStreamParameters();
        assertThat(described.batchSize()).isEqualTo(10);
        assertThat(described.maximumBatchingWindowInSeconds()).isZero();
        assertThat(described.maximumRetryAttempts()).isEqualTo(-1);
        assertThat(described.maximumRecordAgeInSeconds()).isEqualTo(-1);
        assertThat(described.parallelizationFactor()).isEqualTo(1);
        assertThat(described.startingPosition()).isEqualTo(KinesisStreamStartPosition.LATEST);
        var first = pipes.listPipes(b -> b.namePrefix("page-").limit(2));
        assertThat(first.pipes()).extracting(p -> p.name()).containsExactly("page-a", "page-b");
        assertThat(first.nextToken()).isNotBlank();
        var second = pipes.listPipes(b -> b.namePrefix("page-").limit(2).nextToken(first.nextToken()));
        assertThat(second.pipes()).extracting(p -> p.name()).containsExactly("page-c");
        assertThat(second.nextToken()).isNull();
        // the SDK's paginator follows the tokens
        assertThat(pipes.listPipesPaginator(b -> b.namePrefix("page-").limit(1)).pipes()).extracting(p -> p.name())
                .containsExactly("page-a", "page-b", "page-c");
        assertThatThrownBy(() -> pipes.listPipes(b -> b.limit(101))).isInstanceOf(ValidationException.class);

        String arn = pipes.describePipe(b -> b.name("page-a")).arn();
        pipes.untagResource(b -> b.resourceArn(arn).tagKeys("tier"));
        assertThat(pipes.listTagsForResource(b -> b.resourceArn(arn)).tags()).containsExactly(Map.entry("team", "kit"));
        assertThat(pipes.describePipe(b -> b.name("page-a")).tags()).containsExactly(Map.entry("team", "kit"));
        pipes.tagResource(b -> b.resourceArn(arn).tags(Map.of("tier", "2")));
        assertThat(pipes.describePipe(b -> b.name("page-a")).tags()).containsEntry("tier", "2");
        assertThatThrownBy(() -> pipes.untagResource(b -> b.resourceArn("arn:aws:pipes:us-east-1:000000000000:pipe/nope").tagKeys("x")))
                .isInstanceOf(NotFoundException.class);
        for (String name : java.util.List.of("page-a", "page-b", "page-c")) {
            await().until(() -> pipes.describePipe(b -> b.name(name)).currentState() == PipeState.STOPPED);
            pipes.deletePipe(b -> b.name(name));
        }
    }

    @Test
    void anSnsDeadLetterTopicIsAcceptedAndEveryRecordBoundForItIsReportedLost() throws Exception {
        kinesis.createStream(b -> b.streamName("sns-orders").shardCount(1));
        await().until(() -> kinesis.describeStreamSummary(b -> b.streamName("sns-orders")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        String queue = cloud.sqs().createQueue("sns-worker", Map.of());
        String topic = "arn:aws:sns:us-east-1:000000000000:pipe-failures";
        // docs/aws-behaviour.md §1.3: a stream source's DLQ may be an SNS topic; the spec that works on AWS works here
        pipes.createPipe(b -> b.name("sns-dlq").source("arn:aws:kinesis:us-east-1:000000000000:stream/sns-orders").target(EmbeddedSqs.queueArn("sns-worker"))
                .roleArn("arn:aws:iam::000000000000:role/r")
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.TRIM_HORIZON)
                        .maximumRetryAttempts(0).deadLetterConfig(d -> d.arn(topic)))));
        await().until(() -> pipes.describePipe(b -> b.name("sns-dlq")).currentState() == PipeState.RUNNING);
        assertThat(pipes.describePipe(b -> b.name("sns-dlq")).sourceParameters().kinesisStreamParameters().deadLetterConfig().arn()).isEqualTo(topic);
        sqs.deleteQueue(b -> b.queueUrl(queue));
        kinesis.putRecord(b -> b.streamName("sns-orders").partitionKey("k").data(SdkBytes.fromUtf8String("{\"n\":1}")));

        // the record cannot reach a topic the local stack does not have: it is counted (and logged at ERROR) as lost
        await().atMost(Duration.ofSeconds(30)).until(() -> cloud.pipes().metrics("sns-dlq").discarded() == 1);
        assertThatThrownBy(() -> pipes.createPipe(b -> b.name("bad-dlq").source("arn:aws:kinesis:us-east-1:000000000000:stream/sns-orders")
                .target(EmbeddedSqs.queueArn("sns-worker")).roleArn("arn:aws:iam::000000000000:role/r")
                .sourceParameters(p -> p.kinesisStreamParameters(k -> k.startingPosition(KinesisStreamStartPosition.LATEST)
                        .deadLetterConfig(d -> d.arn("arn:aws:lambda:us-east-1:000000000000:function:f"))))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("SQS queue or Amazon SNS topic");
        pipes.deletePipe(b -> b.name("sns-dlq"));
    }
}

package io.pipekit.it.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.it.deploy.StackTemplate;
import io.pipekit.it.deploy.StandaloneDeployment;
import io.pipekit.it.deploy.Stacks;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The rendered standalone stack ({@code copilot/standalone/pipekit-stack.yml}) created through the
 * SDK's CloudFormation client on LocalStack community, after the same sources stack as on moto
 * ({@link StandaloneDeployment}); then an event and a topic message sent through the stack's own
 * rule and subscription into its worker queue.
 *
 * <p>LocalStack community deploys no {@link #PRO_ONLY} resource (Pipes, ECS and Application Auto
 * Scaling are in its paid editions, docs/aws-behaviour.md §8), so the variant deployed here is the
 * rendered file without them; references to a removed resource become placeholders
 * ({@link StackTemplate#withoutTypes}), so the task role, the pipe roles, the queues, the key, the
 * queue policies, the rules, the subscription, the log group and the alarms are the rendered ones.
 * {@code CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES=0} makes LocalStack fail the stack rather than skip a
 * resource it cannot create, so CREATE_COMPLETE means every remaining resource exists. The
 * subscribed topic is another account's in the spec; a topic of the same name is created here and
 * the variant points at it (docs/deploy-testing.md).
 *
 * <p>Image as {@link LocalStackEndToEndTest}. Without a Docker engine the class is reported as
 * skipped ("disabledWithoutDocker is true and Docker is not available").
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackStandaloneStackTest {

    static final Set<String> PRO_ONLY = StandaloneDeployment.LOCALSTACK_COMMUNITY_LACKS;
    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pipekit-worker:proof";
    static final String ACCOUNT = "000000000000";

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
            DockerImageName.parse(System.getProperty("pipekit.localstack.image", LocalStackEndToEndTest.IMAGE))
                    .asCompatibleSubstituteFor("localstack/localstack"))
            .withServices(Service.CLOUDFORMATION, Service.SQS, Service.SNS, Service.IAM, Service.STS, Service.KMS, Service.EC2,
                    Service.KINESIS, Service.DYNAMODB, Service.DYNAMODB_STREAMS, Service.CLOUDWATCH, Service.CLOUDWATCHLOGS,
                    LocalStackContainer.EnabledService.named("events"))
            .withEnv("CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES", "0");

    private final StackTemplate rendered = StandaloneDeployment.renderedTemplate();
    // logical ids are the rendered file's; the worker queue is found through the pipes, which the variant drops
    private final String workerQueue = rendered.workerQueue();
    private StackTemplate variant;
    private Stacks.Created stack;
    private String topicArn;

    @BeforeAll
    void deployTheStandaloneStackWithoutWhatCommunityLacks() {
        String foreignTopic = StandaloneDeployment.subscribedTopic(rendered);
        try (SnsClient sns = client(SnsClient.builder()); CloudFormationClient cfn = client(CloudFormationClient.builder())) {
            topicArn = sns.createTopic(b -> b.name(foreignTopic.substring(foreignTopic.lastIndexOf(':') + 1))).topicArn();
            variant = StandaloneDeployment.localStackCommunityVariant(topicArn, LOCALSTACK.getRegion(), ACCOUNT);
            System.out.println("deploying the standalone stack without " + new TreeSet<>(PRO_ONLY) + " (LocalStack community lacks them)"
                    + "; topic " + foreignTopic + " stood in for by " + topicArn);
            stack = StandaloneDeployment.deploy(cfn, variant, IMAGE).stack();
        }
    }

    @Test
    @Order(1)
    void theStackIsCreatedWithItsQueuesRolesRulesAndSubscription() {
        assertThat(stack.status()).as("%s\n%s", stack.reason(), stack.events()).isEqualTo(StackStatus.CREATE_COMPLETE);
        List<String> expected = new java.util.ArrayList<>();
        variant.resources().fieldNames().forEachRemaining(expected::add);
        assertThat(stack.resources().keySet()).as("every resource of the variant").containsAll(expected);
        assertThat(variant.types()).as("only the paid-edition types were removed")
                .containsAll(rendered.types().stream().filter(t -> !PRO_ONLY.contains(t)).toList());

        try (SqsClient sqs = client(SqsClient.builder()); EventBridgeClient events = client(EventBridgeClient.builder());
             IamClient iam = client(IamClient.builder()); SnsClient sns = client(SnsClient.builder())) {
            String queueUrl = stack.physicalId(workerQueue);
            Map<QueueAttributeName, String> queue = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL))
                    .attributes();
            String queueArn = queue.get(QueueAttributeName.QUEUE_ARN);
            String dlq = rendered.deadLetterQueueOf(workerQueue).orElseThrow();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(stack.physicalId(dlq)).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            assertThat(queue.get(QueueAttributeName.REDRIVE_POLICY)).as("the worker queue redrives to its DLQ").contains(dlqArn);
            assertThat(queue.get(QueueAttributeName.POLICY)).as("the queue policy admits the rules and the topic")
                    .contains("events.amazonaws.com", "sns.amazonaws.com", topicArn);

            for (String rule : variant.ofType("AWS::Events::Rule")) {
                assertThat(events.listTargetsByRule(b -> b.rule(ruleName(rule))).targets()).as(rule)
                        .anySatisfy(t -> assertThat(t.arn()).isEqualTo(queueArn));
            }
            assertThat(sns.listSubscriptionsByTopic(b -> b.topicArn(topicArn)).subscriptions()).as("the topic subscription")
                    .anySatisfy(s -> assertThat(s.endpoint()).isEqualTo(queueArn));
            for (String role : variant.ofType("AWS::IAM::Role")) {
                assertThat(iam.getRole(b -> b.roleName(roleName(stack.physicalId(role)))).role().arn()).as(role).contains(":role/");
            }
            assertThat(stack.physicalId(rendered.taskRole())).as("the task role").isNotBlank();
        }
    }

    @Test
    @Order(2)
    void anEventThroughTheRuleAndAMessageThroughTheSubscriptionReachTheWorkerQueue() {
        assertThat(stack.status()).as(stack.events()).isEqualTo(StackStatus.CREATE_COMPLETE);
        try (SqsClient sqs = client(SqsClient.builder()); EventBridgeClient events = client(EventBridgeClient.builder());
             SnsClient sns = client(SnsClient.builder())) {
            String queueUrl = stack.physicalId(workerQueue);
            // matches the order-created rule's pattern (source, detail-type, amount > 0)
            PutEventsResponse put = events.putEvents(b -> b.entries(e -> e.eventBusName("default").source("pipekit.producers")
                    .detailType("OrderCreated").detail("{\"orderId\":\"o-1\",\"amount\":12}")));
            assertThat(put.failedEntryCount()).isZero();
            sns.publish(b -> b.topicArn(topicArn).message("{\"invoice\":\"i-1\"}"));

            List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
            await("the event and the topic message in the worker queue").atMost(Duration.ofSeconds(30)).until(() -> {
                for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    bodies.add(m.body());
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
                return bodies.stream().anyMatch(body -> body.contains("o-1")) && bodies.stream().anyMatch(body -> body.contains("i-1"));
            });
            // the rendered subscription is not raw delivery: the topic message arrives in SNS's JSON envelope
            assertThat(bodies).anySatisfy(body -> assertThat(body).contains("\"TopicArn\"", topicArn));
        }
    }

    private String ruleName(String logicalId) {
        return stack.physicalId(logicalId).replaceFirst("^.*\\|", "").replaceFirst("^arn:.*:rule/", "");
    }

    private static String roleName(String physicalId) {
        return physicalId.replaceFirst("^arn:.*:role/", "");
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        URI endpoint = LOCALSTACK.getEndpoint();
        return builder.endpointOverride(endpoint).region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}

package io.pipekit.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.QueueMessage;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerListener;
import io.pipekit.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The rendered standalone stack ({@code copilot/standalone/pipekit-stack.yml}) deployed on moto_server
 * through the SDK's CloudFormation client after a stack with its sources, and then the real
 * {@link Worker} run with nothing but the task role's credentials, under moto's IAM enforcement.
 * What moto accepts without creating is reported and checked by cfn-lint instead (docs/deploy-testing.md).
 *
 * <p>One moto_server for the class. The rendered stack is deployed once for the tests that only
 * read it; the test that deploys a variant resets the server first and runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneStackOnMotoTest {

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pipekit-worker:proof";
    static final int MESSAGES = 12;
    /** moto 5.2.1 accepts these in a template but creates nothing for them (docs/deploy-testing.md). */
    static final Set<String> KNOWN_UNSUPPORTED = Set.of("AWS::SQS::QueuePolicy", "AWS::SNS::Subscription", "AWS::Pipes::Pipe",
            "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy", "AWS::CloudWatch::Alarm");

    private final StackTemplate template = StandaloneDeployment.renderedTemplate();
    private Stacks.Created stack;

    @BeforeAll
    void deployTheRenderedStack() {
        MOTO.reset();
        stack = deploy(template);
    }

    @Test
    @Order(1)
    void theStandaloneStackIsCreatedWithItsQueuesRulesRolesAndWorkerService() {
        assertThat(stack.status()).as("%s\n%s", stack.reason(), stack.events()).isEqualTo(StackStatus.CREATE_COMPLETE);
        // moto lists only what it created: every resource of a type it supports must be there
        List<String> skipped = MOTO.unsupportedResourceTypes();
        List<String> expected = iterable(template.resources().fieldNames()).stream()
                .filter(id -> !skipped.contains(template.resource(id).path("Type").asText())).toList();
        assertThat(stack.resources().keySet()).as("the resources moto can create").containsAll(expected);
        System.out.println("moto accepted without creating: " + skipped + " (checked by cfn-lint only)");
        assertThat(KNOWN_UNSUPPORTED).as("types moto 5.2.1 does not create (docs/deploy-testing.md)").containsAll(skipped);

        try (SqsClient sqs = MOTO.client(SqsClient.builder(), MotoServer.BOOTSTRAP);
             EventBridgeClient events = MOTO.client(EventBridgeClient.builder(), MotoServer.BOOTSTRAP);
             EcsClient ecs = MOTO.client(EcsClient.builder(), MotoServer.BOOTSTRAP);
             IamClient iam = MOTO.client(IamClient.builder(), MotoServer.BOOTSTRAP)) {
            // the worker queue redrives to its dead-letter queue
            String queueUrl = stack.physicalId(template.workerQueue());
            Map<QueueAttributeName, String> queue = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            String dlq = template.deadLetterQueueOf(template.workerQueue()).orElseThrow();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(stack.physicalId(dlq)).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            assertThat(queue.get(QueueAttributeName.REDRIVE_POLICY)).contains(dlqArn);

            // every rule exists and targets the worker queue
            String queueArn = queue.get(QueueAttributeName.QUEUE_ARN);
            for (String rule : template.ofType("AWS::Events::Rule")) {
                String name = stack.physicalId(rule).replaceFirst("^.*\\|", "").replaceFirst("^arn:.*:rule/", "");
                assertThat(events.listTargetsByRule(b -> b.rule(name)).targets()).as(rule)
                        .anySatisfy(t -> assertThat(t.arn()).isEqualTo(queueArn));
            }

            // the worker service: cluster, service, and a task definition with the image and the 120 s stop
            // window (moto's CloudFormation drops TaskRoleArn, so the task role's wiring is cfn-lint's to check)
            TaskDefinition taskDef = ecs.describeTaskDefinition(b -> b.taskDefinition(
                    stack.physicalId(template.single("AWS::ECS::TaskDefinition")))).taskDefinition();
            assertThat(taskDef.containerDefinitions()).extracting(ContainerDefinition::image).contains(IMAGE);
            assertThat(taskDef.containerDefinitions()).extracting(ContainerDefinition::stopTimeout).contains(120);
            for (String cluster : template.ofType("AWS::ECS::Cluster")) {
                assertThat(ecs.describeClusters(b -> b.clusters(stack.physicalId(cluster))).clusters()).hasSize(1);
            }
            String service = template.single("AWS::ECS::Service");
            String clusterOfService = template.ofType("AWS::ECS::Cluster").isEmpty() ? null
                    : stack.physicalId(template.single("AWS::ECS::Cluster"));
            var services = ecs.describeServices(b -> b.cluster(clusterOfService).services(stack.physicalId(service))).services();
            assertThat(services).hasSize(1);
            System.out.println("ECS service on moto: " + services.get(0).serviceName() + " " + services.get(0).capacityProviderStrategy());
            for (String role : template.ofType("AWS::IAM::Role")) {
                assertThat(iam.getRole(b -> b.roleName(stack.physicalId(role))).role().arn()).contains(":role/");
            }
        }
    }

    @Test
    @Order(2)
    void theWorkerReceivesExtendsAndDeletesWithTheTaskRoleAlone() throws Exception {
        assertThat(stack.status()).as(stack.events()).isEqualTo(StackStatus.CREATE_COMPLETE);
        String queueUrl = stack.physicalId(template.workerQueue());
        sendMessages(queueUrl);

        WorkerRun run = new WorkerRun();
        try (SqsClient asTaskRole = sqsAs(assumeTaskRole(stack))) {
            MOTO.enforceIam(true);
            // each handler holds its message until the heartbeat has extended it once
            try (Worker worker = Worker.start(asTaskRole, run.options(queueUrl), run.holdUntilExtended(), run)) {
                await("every message processed and deleted").atMost(Duration.ofSeconds(60))
                        .until(() -> run.deleted.get() >= MESSAGES || !run.deleteFailures.isEmpty());
            }
        } finally {
            MOTO.enforceIam(false);
        }
        assertThat(run.receiveErrors).as("receive errors").isEmpty();
        assertThat(run.deleteFailures).as("delete failures").isEmpty();
        assertThat(run.handled).hasSize(MESSAGES);
        assertThat(run.extendedIds).as("messages whose visibility the heartbeat extended").isEqualTo(run.handled);
        assertThat(run.deleted.get()).isEqualTo(MESSAGES);
        assertThat(messagesLeft(queueUrl)).isZero();
    }

    @Test
    @Order(3)
    void withoutDeleteMessageTheTaskRoleCannotDeleteAndEveryMessageStays() throws Exception {
        StackTemplate variant = template.withoutGrant(template.taskRole(), "sqs:DeleteMessage");
        MOTO.reset();
        Stacks.Created stack = deploy(variant);
        assertThat(stack.status()).as(stack.events()).isEqualTo(StackStatus.CREATE_COMPLETE);
        String queueUrl = stack.physicalId(variant.workerQueue());
        sendMessages(queueUrl);

        WorkerRun run = new WorkerRun();
        try (SqsClient asTaskRole = sqsAs(assumeTaskRole(stack))) {
            MOTO.enforceIam(true);
            try (Worker worker = Worker.start(asTaskRole, run.options(queueUrl), message -> { }, run)) {
                await("the deletes given up").atMost(Duration.ofSeconds(60)).until(() -> run.deleteFailures.size() >= MESSAGES);
            }
        } finally {
            MOTO.enforceIam(false);
        }
        assertThat(run.receiveErrors).as("receiving is still granted").isEmpty();
        assertThat(run.handled).hasSize(MESSAGES);
        assertThat(run.deleted.get()).isZero();
        // moto answers 403 AccessDenied in a body the SDK's JSON protocol does not parse: the status is what shows
        assertThat(run.deleteFailures).allSatisfy(reason -> assertThat(reason).contains("Status Code: 403"));
        assertThat(messagesLeft(queueUrl)).as("nothing was deleted").isEqualTo(MESSAGES);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Creates the sources stack, then the template ({@link StandaloneDeployment}); then closes moto's
     * two IAM gaps for the template's roles ({@link MotoIamGaps}).
     */
    private Stacks.Created deploy(StackTemplate stackTemplate) {
        try (CloudFormationClient cfn = MOTO.client(CloudFormationClient.builder(), MotoServer.BOOTSTRAP);
             IamClient iam = MOTO.client(IamClient.builder(), MotoServer.BOOTSTRAP)) {
            StandaloneDeployment.Deployed deployed = StandaloneDeployment.deploy(cfn, stackTemplate, IMAGE);
            Stacks.Created stack = deployed.stack();
            if (stack.status() == StackStatus.CREATE_COMPLETE) {
                Map<String, String> exports = new HashMap<>();
                cfn.listExportsPaginator(b -> { }).exports().forEach(e -> exports.put(e.name(), e.value()));
                Intrinsics intrinsics = new Intrinsics(stackTemplate.json(), deployed.parameters(), exports,
                        MotoIamGaps.of(stackTemplate, stack), MotoServer.REGION.id(), MotoServer.ACCOUNT);
                MotoIamGaps.close(iam, stackTemplate, stack, intrinsics).forEach(line -> System.out.println("re-applied on moto: " + line));
            }
            return stack;
        }
    }

    private Credentials assumeTaskRole(Stacks.Created stack) {
        try (IamClient iam = MOTO.client(IamClient.builder(), MotoServer.BOOTSTRAP);
             StsClient sts = MOTO.client(StsClient.builder(), MotoServer.BOOTSTRAP)) {
            String roleArn = iam.getRole(b -> b.roleName(stack.physicalId(template.taskRole()))).role().arn();
            return sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("pipekit-worker-task")).credentials();
        }
    }

    private static SqsClient sqsAs(Credentials c) {
        return MOTO.client(SqsClient.builder(), StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())));
    }

    private static void sendMessages(String queueUrl) {
        try (SqsClient sqs = MOTO.client(SqsClient.builder(), MotoServer.BOOTSTRAP)) {
            IntStream.range(0, MESSAGES).forEach(i -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"seq\":" + i + "}")));
        }
    }

    private static int messagesLeft(String queueUrl) {
        try (SqsClient sqs = MOTO.client(SqsClient.builder(), MotoServer.BOOTSTRAP)) {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    /** What one worker run did, from its listener. */
    static final class WorkerRun implements WorkerListener {
        final Set<String> handled = ConcurrentHashMap.newKeySet();
        final Map<String, CompletableFuture<Void>> extended = new ConcurrentHashMap<>();
        final Set<String> extendedIds = ConcurrentHashMap.newKeySet();
        final AtomicInteger deleted = new AtomicInteger();
        final List<String> deleteFailures = new CopyOnWriteArrayList<>();
        final List<String> receiveErrors = new CopyOnWriteArrayList<>();

        WorkerOptions options(String queueUrl) {
            // a 2 s lease extended after half of it, short polls, quick delete flushes: a run takes seconds
            return WorkerOptions.builder(queueUrl).visibilityTimeout(Duration.ofSeconds(2)).heartbeatFraction(0.5)
                    .waitTime(Duration.ofSeconds(1)).pollersPerQueue(1).maxConcurrency(MESSAGES)
                    .deleteFlushInterval(Duration.ofMillis(50)).shutdownBudget(Duration.ofSeconds(5)).build();
        }

        MessageHandler holdUntilExtended() {
            return message -> {
                handled.add(message.messageId());
                extension(message.messageId()).get(30, TimeUnit.SECONDS);
            };
        }

        private CompletableFuture<Void> extension(String messageId) {
            return extended.computeIfAbsent(messageId, id -> new CompletableFuture<>());
        }

        @Override
        public void onReceiveError(String queueUrl, Throwable error) {
            receiveErrors.add(error.toString());
        }

        @Override
        public void onSuccess(QueueMessage message, Duration handlerTime) {
            handled.add(message.messageId());
        }

        @Override
        public void onVisibilityExtended(QueueMessage message, Duration timeout) {
            extendedIds.add(message.messageId());
            extension(message.messageId()).complete(null);
        }

        @Override
        public void onDeleted(String queueUrl, int messages) {
            deleted.addAndGet(messages);
        }

        @Override
        public void onDeleteFailed(QueueMessage message, String reason) {
            deleteFailures.add(reason);
        }
    }
}

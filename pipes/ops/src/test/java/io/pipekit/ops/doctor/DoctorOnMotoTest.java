package io.pipekit.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.ops.MotoServer;
import io.pipekit.ops.OpsClients;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Doctor's IAM, KMS and queue-policy checks against moto_server, which keeps queue policies, key
 * policies and role policies (the local stack has none of them): each broken setup is built for
 * real and named with its fix; the repaired one passes that check.
 */
class DoctorOnMotoTest {

    static final String ACCOUNT = "123456789012";
    static MotoServer moto;
    static OpsClients aws;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.startOrSkip();
        System.setProperty("aws.cborEnabled", "false");   // moto's Kinesis speaks JSON only
        aws = moto.clients();
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String queue(String name, Map<String, String> attributes) {
        return aws.sqs().createQueue(b -> b.queueName(name).attributesWithStrings(attributes)).queueUrl();
    }

    private static String arn(String url) {
        return aws.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static String redriven(String name, Map<String, String> attributes) {
        String dlq = queue(name + "-dlq", Map.of("MessageRetentionPeriod", "1209600"));
        Map<String, String> all = new java.util.HashMap<>(attributes);
        all.put("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":10}");
        return queue(name, all);
    }

    private static String rule(String name, String queueArn, String dlqArn) {
        String ruleArn = aws.events().putRule(b -> b.name(name).eventPattern("{\"source\":[\"shop\"]}")).ruleArn();
        aws.events().putTargets(b -> b.rule(name).targets(t -> {
            t.id("worker").arn(queueArn);
            if (dlqArn != null) {
                t.deadLetterConfig(d -> d.arn(dlqArn));
            }
        }));
        return ruleArn;
    }

    private static String eventsPolicy(String queueArn, String ruleArn) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Events\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},"
                + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"" + ruleArn + "\"}}}]}";
    }

    private static Report doctor(String url) {
        return new Doctor(aws, Doctor.Options.forQueue(url)).run();
    }

    @Test
    void aRuleIntoAQueueWhosePolicyHasNoMatchingStatementIsAnErrorUntilTheStatementIsAdded() {
        String name = unique("rule-target");
        String url = redriven(name, Map.of());
        String dlq = queue(name + "-rule-dlq", Map.of());
        String ruleArn = rule(unique("orders"), arn(url), arn(dlq));
        aws.sqs().setQueueAttributes(b -> b.queueUrl(dlq).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(dlq), ruleArn))));

        Report none = doctor(url);
        assertThat(none.byCheck("rule-queue-policy")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.fix()).contains("\"Service\":\"events.amazonaws.com\"", "\"aws:SourceArn\":\"" + ruleArn + "\"");
        });

        // a statement for another rule does not count
        aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(url), ruleArn + "-other"))));
        assertThat(doctor(url).byCheck("rule-queue-policy")).hasSize(1);

        aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(url), ruleArn))));
        Report fixed = doctor(url);
        assertThat(fixed.problems()).as(fixed.table()).isEmpty();
    }

    @Test
    void aRuleDlqWithoutItsOwnPolicyIsAnError() {
        String name = unique("dlq-policy");
        String url = redriven(name, Map.of());
        String dlq = queue(name + "-rule-dlq", Map.of());
        String ruleArn = rule(unique("r"), arn(url), arn(dlq));
        aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(url), ruleArn))));

        assertThat(doctor(url).byCheck("rule-dlq-policy")).singleElement().satisfies(f -> {
            assertThat(f.resource()).isEqualTo(dlq);
            assertThat(f.breaks()).contains("dead-letter queue");
        });
    }

    @Test
    void theAwsManagedSqsKeyAndACustomerKeyWhosePolicyIgnoresEventBridgeAreErrors() {
        String managed = redriven(unique("managed-key"), Map.of("KmsMasterKeyId", "alias/aws/sqs"));
        String r1 = rule(unique("m"), arn(managed), null);
        aws.sqs().setQueueAttributes(b -> b.queueUrl(managed).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(managed), r1))));
        assertThat(doctor(managed).byCheck("kms-aws-managed")).singleElement().satisfies(f -> assertThat(f.fix()).contains("SSE-SQS"));

        String keyId = aws.kms().createKey(b -> b.description("worker queue key")).keyMetadata().keyId();
        String cmk = redriven(unique("cmk"), Map.of("KmsMasterKeyId", keyId));
        String r2 = rule(unique("c"), arn(cmk), null);
        aws.sqs().setQueueAttributes(b -> b.queueUrl(cmk).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(cmk), r2))));
        assertThat(doctor(cmk).byCheck("kms-key-policy")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.breaks()).contains("kms:GenerateDataKey", "kms:Decrypt");
            assertThat(f.fix()).contains("\"Service\":\"events.amazonaws.com\"");
        });

        aws.kms().putKeyPolicy(b -> b.keyId(keyId).policyName("default").policy("{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},\"Action\":[\"kms:GenerateDataKey\",\"kms:Decrypt\"],\"Resource\":\"*\"}]}"));
        assertThat(doctor(cmk).byCheck("kms-key-policy")).isEmpty();
    }

    @Test
    void aPipeRoleMissingSendMessageOrTrustAndAnSqsBatchAbove10AreErrors() {
        String url = redriven(unique("pipe-target"), Map.of());
        String stream = unique("orders");
        aws.kinesis().createStream(b -> b.streamName(stream).shardCount(1));
        String streamArn = "arn:aws:kinesis:us-east-1:" + ACCOUNT + ":stream/" + stream;
        String role = unique("pipe-role");
        String roleArn = aws.iam().createRole(b -> b.roleName(role).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pipes.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                .role().arn();
        aws.iam().putRolePolicy(b -> b.roleName(role).policyName("read").policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":[\"kinesis:DescribeStream\",\"kinesis:DescribeStreamSummary\",\"kinesis:GetRecords\",\"kinesis:GetShardIterator\",\"kinesis:ListShards\",\"kinesis:ListStreams\"],\"Resource\":\"" + streamArn + "\"}]}"));
        String pipe = unique("orders-pipe");
        aws.pipes().createPipe(b -> b.name(pipe).source(streamArn).target(arn(url)).roleArn(roleArn)
                .sourceParameters(s -> s.kinesisStreamParameters(k -> k.startingPosition("TRIM_HORIZON").batchSize(100).maximumRetryAttempts(3)
                        .deadLetterConfig(d -> d.arn(arn(queue(pipe + "-dlq", Map.of())))))));

        Report report = doctor(url);

        assertThat(report.byCheck("pipe-role")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.breaks()).contains("sqs:SendMessage on " + arn(url)).doesNotContain("kinesis:GetRecords");
            assertThat(f.fix()).contains("\"sqs:SendMessage\"");
        });
        assertThat(report.byCheck("pipe-batch-size")).singleElement().satisfies(f -> assertThat(f.fix()).contains("10 or less"));
        assertThat(report.byCheck("pipe-role-trust")).isEmpty();

        aws.iam().putRolePolicy(b -> b.roleName(role).policyName("send").policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"));
        aws.iam().updateAssumeRolePolicy(b -> b.roleName(role).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
        Report after = doctor(url);
        assertThat(after.byCheck("pipe-role")).isEmpty();
        assertThat(after.byCheck("pipe-role-trust")).singleElement().satisfies(f -> assertThat(f.breaks()).contains("does not trust pipes.amazonaws.com"));
    }

    @Test
    void aTaskRoleWithoutChangeMessageVisibilityIsAnErrorAndWithoutTaskProtectionAWarning() {
        String url = redriven(unique("task-queue"), Map.of());
        String role = unique("task-role");
        String roleArn = aws.iam().createRole(b -> b.roleName(role).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                .role().arn();
        // Copilot's queue policy grants the task role only Receive and Delete (docs/aws-behaviour.md §6.3)
        aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"" + roleArn + "\"},\"Action\":[\"sqs:ReceiveMessage\",\"sqs:DeleteMessage\"],\"Resource\":\"" + arn(url) + "\"}]}")));

        Report report = new Doctor(aws, Doctor.Options.forQueue(url).withTaskRole(roleArn)).run();

        assertThat(report.byCheck("task-role")).hasSize(2);
        assertThat(report.byCheck("task-role")).filteredOn(f -> f.severity() == Severity.ERROR).singleElement().satisfies(f -> {
            assertThat(f.breaks()).contains("sqs:ChangeMessageVisibility").doesNotContain("sqs:ReceiveMessage");
        });
        assertThat(report.byCheck("task-role")).filteredOn(f -> f.severity() == Severity.WARNING).singleElement()
                .satisfies(f -> assertThat(f.breaks()).contains("ecs:UpdateTaskProtection", "ecs:GetTaskProtection"));

        String managed = aws.iam().createPolicy(b -> b.policyName(role + "-worker").policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":[\"sqs:ChangeMessageVisibility\"],\"Resource\":\"" + arn(url) + "\"},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"ecs:UpdateTaskProtection\",\"ecs:GetTaskProtection\"],\"Resource\":\"arn:aws:ecs:us-east-1:" + ACCOUNT + ":task/workers/*\"}]}"))
                .policy().arn();
        aws.iam().attachRolePolicy(b -> b.roleName(role).policyArn(managed));
        assertThat(new Doctor(aws, Doctor.Options.forQueue(url).withTaskRole(roleArn)).run().byCheck("task-role")).isEmpty();
    }

    @Test
    void aFifoQueueTargetNeedsContentBasedDeduplicationForRulesAndAGroupIdForPipes() {
        String url = queue(unique("orders") + ".fifo", Map.of("FifoQueue", "true"));
        String rule = unique("fifo");
        String ruleArn = aws.events().putRule(b -> b.name(rule).eventPattern("{\"source\":[\"shop\"]}")).ruleArn();
        // EventBridge refuses a FIFO target without SqsParameters, so only the queue side can be wrong here
        aws.events().putTargets(b -> b.rule(rule).targets(t -> t.id("worker").arn(arn(url)).sqsParameters(p -> p.messageGroupId("orders"))));
        aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(url), ruleArn))));
        aws.pipes().createPipe(b -> b.name(unique("fifo-pipe")).source("arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + unique("src"))
                .target(arn(url)).roleArn("arn:aws:iam::" + ACCOUNT + ":role/none"));

        Report report = doctor(url);

        assertThat(report.byCheck("rule-fifo-group")).isEmpty();
        assertThat(report.byCheck("rule-fifo-dedup")).singleElement().satisfies(f -> assertThat(f.fix()).contains("ContentBasedDeduplication=true"));
        assertThat(report.byCheck("pipe-fifo-group")).singleElement().satisfies(f -> assertThat(f.fix()).contains("MessageGroupId"));
    }

    @Test
    void aDlqThatKeepsMessagesNoLongerThanItsSourceIsAWarning() {
        String name = unique("retention");
        String dlq = queue(name + "-dlq", Map.of("MessageRetentionPeriod", "345600"));
        String url = queue(name, Map.of("MessageRetentionPeriod", "345600",
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":10}"));

        assertThat(doctor(url).byCheck("dlq-retention")).singleElement().satisfies(f -> {
            assertThat(f.breaks()).contains("original enqueue time");
            assertThat(f.fix()).contains("14 days");
        });
    }

    @Test
    void aCheckTheCallerMayNotRunSaysSoInsteadOfPassing() {
        String keyId = aws.kms().createKey(b -> b.description("denied key")).keyMetadata().keyId();
        String url = redriven(unique("denied"), Map.of("KmsMasterKeyId", keyId));
        String ruleArn = rule(unique("d"), arn(url), null);
        aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", eventsPolicy(arn(url), ruleArn))));
        String role = unique("denied-role");
        String roleArn = aws.iam().createRole(b -> b.roleName(role).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")).role().arn();

        try (OpsClients denied = moto.clients(new Deny(Set.of("GetKeyPolicy", "SimulatePrincipalPolicy", "ListRolePolicies")))) {
            Report report = new Doctor(denied, Doctor.Options.forQueue(url).withTaskRole(roleArn)).run();

            assertThat(report.byCheck("kms-key-policy")).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.breaks()).isEqualTo("could not check: needs kms:GetKeyPolicy");
            });
            assertThat(report.byCheck("task-role")).singleElement().satisfies(f -> assertThat(f.breaks()).startsWith("could not check: needs iam:SimulatePrincipalPolicy, or iam:GetRole"));
            assertThat(report.exitCode()).isEqualTo(1);
        }
    }

    /** Refuses the named operations as IAM would refuse a caller without the permission. */
    record Deny(Set<String> operations) implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if (operations.contains(operation)) {
                throw AwsServiceException.builder().statusCode(403).message("denied by the test")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").errorMessage("denied by the test").build()).build();
            }
        }
    }
}

package io.pipekit.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.it.deploy.IamPolicy.Request;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluation the permission cross-check relies on, on the rendered standalone stack: it grants
 * what the principals need, and a grant removed or a resource changed is refused — so the
 * cross-check's "all granted" is not an evaluator that says yes to everything.
 */
class RenderedGrantsTest {

    private final StackTemplate template = StackTemplate.read(Repository.STANDALONE);
    private final RenderedGrants grants = new RenderedGrants(template);

    @Test
    void theTaskRoleMayConsumeTheWorkerQueueAndNothingElse() {
        String queue = grants.workerQueueArn();
        for (String action : new String[] {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}) {
            assertThat(IamPolicy.allows(grants.taskRoleStatements(), new Request(action, queue, null, Map.of()))).as(action).isTrue();
        }
        assertThat(IamPolicy.allows(grants.taskRoleStatements(), new Request("sqs:SendMessage", queue, null, Map.of()))).isFalse();
        assertThat(IamPolicy.allows(grants.taskRoleStatements(),
                new Request("sqs:ReceiveMessage", queue + "-other", null, Map.of()))).isFalse();
    }

    @Test
    void aRemovedGrantIsRefused() {
        RenderedGrants without = new RenderedGrants(template.withoutGrant(template.taskRole(), "sqs:DeleteMessage"));
        assertThat(IamPolicy.allows(without.taskRoleStatements(),
                new Request("sqs:DeleteMessage", without.workerQueueArn(), null, Map.of()))).isFalse();
        assertThat(IamPolicy.allows(without.taskRoleStatements(),
                new Request("sqs:ReceiveMessage", without.workerQueueArn(), null, Map.of()))).isTrue();
    }

    @Test
    void eachPipeRoleReadsOnlyItsOwnSourceAndSendsToTheWorkerQueue() {
        assertThat(grants.pipes()).extracting(RenderedGrants.Pipe::sourceKind).contains("Kinesis", "DynamoDbStreams", "Sqs");
        for (RenderedGrants.Pipe pipe : grants.pipes()) {
            assertThat(pipe.target()).isEqualTo(grants.workerQueueArn());
            assertThat(IamPolicy.allows(pipe.roleStatements(), new Request("sqs:SendMessage", pipe.target(), null, Map.of()))).isTrue();
            String read = switch (pipe.sourceKind()) {
                case "Kinesis" -> "kinesis:GetRecords";
                case "DynamoDbStreams" -> "dynamodb:GetRecords";
                default -> "sqs:ReceiveMessage";
            };
            assertThat(IamPolicy.allows(pipe.roleStatements(), new Request(read, pipe.source(), null, Map.of()))).as(pipe.logicalId()).isTrue();
            assertThat(IamPolicy.allows(pipe.roleStatements(), new Request(read, pipe.source() + "-other", null, Map.of()))).isFalse();
        }
    }

    @Test
    void theQueuePolicyAdmitsEachRuleOfTheStackAndNoOtherRule() {
        assertThat(grants.ruleArnsTargetingTheWorkerQueue()).isNotEmpty();
        for (String rule : grants.ruleArnsTargetingTheWorkerQueue()) {
            assertThat(IamPolicy.allows(grants.workerQueuePolicy(), new Request("sqs:SendMessage", grants.workerQueueArn(),
                    "events.amazonaws.com", Map.of("aws:SourceArn", rule)))).as(rule).isTrue();
        }
        assertThat(IamPolicy.allows(grants.workerQueuePolicy(), new Request("sqs:SendMessage", grants.workerQueueArn(),
                "events.amazonaws.com", Map.of("aws:SourceArn", "arn:aws:events:us-east-1:123456789012:rule/someone-else")))).isFalse();
    }
}

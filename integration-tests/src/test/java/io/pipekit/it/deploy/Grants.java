package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * What a deployment of the subscription spec grants each principal, with every intrinsic evaluated:
 * the standalone stack ({@link RenderedGrants}) or Copilot's workload stack with pipekit's addons and
 * override patch ({@link CopilotGrants}). ARNs are in {@link #ACCOUNT} / {@link #REGION}.
 */
interface Grants {

    String REGION = "us-east-1";
    String ACCOUNT = "123456789012";

    /** A pipe: what it reads, where it sends, the statements of its role. */
    record Pipe(String logicalId, String sourceKind, String source, String target, List<JsonNode> roleStatements) {}

    /** A topic subscription: the topic's ARN and the queue it delivers to. */
    record Topic(String logicalId, String topicArn, String endpoint) {}

    /** Which deployment path this is, for messages. */
    String label();

    String workerQueueArn();

    /** The key the worker queue is encrypted with, when it is a key of the deployment. */
    Optional<String> workerQueueKeyArn();

    String taskRoleArn();

    /** The identity statements of the worker's task role. */
    List<JsonNode> taskRoleStatements();

    /** The statements of every queue policy that covers the worker queue. */
    List<JsonNode> workerQueuePolicy();

    /** The statements of the key policy of a key of the deployment. */
    List<JsonNode> keyPolicy(String keyArn);

    List<Pipe> pipes();

    /** ARNs of the rules that target the worker queue. */
    List<String> ruleArnsTargetingTheWorkerQueue();

    /** The topic subscriptions that deliver to the worker queue. */
    List<Topic> topicsSubscribedToTheWorkerQueue();
}

package io.pipekit.pipes.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pipekit.pipes.model.Deployment;
import io.pipekit.pipes.model.Ref;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything one plan run knows: the spec, the clients, the resolved worker queue, naming rules,
 * and what it has counted so far.
 *
 * <p>Every name pipekit creates starts with {@code pipekit-<spec>-} and every taggable resource carries
 * {@code pipekit:spec=<spec>}; roles live under the IAM path {@code /pipekit/<spec>/}; queue-policy
 * statements carry a Sid starting {@code Pipekit<Spec>}. That is how destroy finds exactly what apply
 * made, including resources whose subscription was since removed from the spec.
 */
final class Context {

    static final String TAG_SPEC = "pipekit:spec";
    static final String TAG_SUBSCRIPTION = "pipekit:subscription";

    final SubscriptionSpec spec;
    /** What the spec asks for; the reconcilers compare AWS with it. */
    final Deployment model;
    final AwsClients clients;
    final ProvisionOptions options;
    final List<String> notes = new ArrayList<>();
    int unchanged;

    /** Worker queue; url null while it does not exist yet (plan before the first apply with create: true). */
    String queueUrl;
    String queueArn;
    String queueKmsKey;
    String partition = "aws";
    String region;
    String account;
    /** The worker queue is Copilot's (found by its tags): its policies belong to Copilot's stack. */
    boolean copilotQueue;
    /** Source ARNs by subscription, looked up before planning. */
    Map<String, String> sourceArns = Map.of();

    Context(SubscriptionSpec spec, AwsClients clients, ProvisionOptions options) {
        this.spec = spec;
        this.model = Deployment.of(spec);
        this.clients = clients;
        this.options = options;
    }

    String prefix() {
        return spec.resourcePrefix();
    }

    String resourceName(String subscription) {
        return prefix() + subscription;
    }

    String dlqName(String subscription) {
        return prefix() + subscription + "-dlq";
    }

    String rolePath() {
        return "/pipekit/" + spec.name() + "/";
    }

    String roleArn(String subscription) {
        return "arn:" + partition + ":iam::" + account + ":role" + rolePath() + resourceName(subscription);
    }

    String queueArnOf(String queueName) {
        return "arn:" + partition + ":sqs:" + region + ":" + account + ":" + queueName;
    }

    String sidPrefix() {
        return model.sidPrefix();
    }

    Map<String, String> tags(String subscription) {
        return subscription == null ? Map.of(TAG_SPEC, spec.name()) : Map.of(TAG_SPEC, spec.name(), TAG_SUBSCRIPTION, subscription);
    }

    boolean owned(Map<String, String> tags) {
        return tags != null && spec.name().equals(tags.get(TAG_SPEC));
    }

    /** A model reference as the SDK path knows it: a real ARN. */
    String arn(Ref ref) {
        return switch (ref) {
            case Ref.WorkerQueueArn q -> queueArn;
            case Ref.WorkerQueueUrl u -> queueUrl;
            case Ref.WorkerKeyArn k -> keyArn();
            case Ref.WorkerDeadLetterQueueArn d -> queueArnOf(model.workerDeadLetterQueueName());
            case Ref.DeadLetterQueueArn d -> queueArnOf(dlqName(d.subscription()));
            case Ref.SourceArn s -> sourceArns.get(s.subscription());
            case Ref.RuleArn r -> "arn:" + partition + ":events:" + region + ":" + account + ":rule/"
                    + (r.bus() == null ? "" : r.bus() + "/") + resourceName(r.rule());
            case Ref.Account a -> account;
            case Ref.AccountRoot a -> "arn:" + partition + ":iam::" + account + ":root";
            case Ref.ThisKey k -> "*";
            case Ref.Literal l -> l.value();
            case Ref.TaskRoleArn t -> throw new IllegalStateException("the SDK path does not manage the worker's task role");
            case Ref.ClusterTasks c -> throw new IllegalStateException("the SDK path does not manage the worker's cluster");
        };
    }

    JsonNode json(Ref ref) {
        return JsonNodeFactory.instance.textNode(arn(ref));
    }

    /** The queue's KMS key as an ARN (SQS reports an ARN, key id or alias), or null for SSE-SQS. */
    String keyArn() {
        String k = queueKmsKey;
        if (k == null) {
            return null;
        }
        if (k.startsWith("arn:")) {
            return k;
        }
        return "arn:" + partition + ":kms:" + region + ":" + account + ":" + (k.startsWith("alias/") ? k : "key/" + k);
    }

    /** Sets region/account/partition from an ARN such as the worker queue's. */
    void adoptArn(String arn) {
        String[] p = arn.split(":", 6);
        partition = p[1];
        region = p[3];
        account = p[4];
    }
}

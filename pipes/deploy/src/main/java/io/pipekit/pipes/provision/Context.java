package io.pipekit.pipes.provision;

import io.pipekit.pipes.spec.RuleSubscription;
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

    Context(SubscriptionSpec spec, AwsClients clients, ProvisionOptions options) {
        this.spec = spec;
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

    String ruleArn(RuleSubscription r) {
        String bus = r.defaultBus() ? "" : r.bus() + "/";
        return "arn:" + partition + ":events:" + region + ":" + account + ":rule/" + bus + resourceName(r.name());
    }

    String sidPrefix() {
        return "Pipekit" + spec.logicalId();
    }

    Map<String, String> tags(String subscription) {
        return subscription == null ? Map.of(TAG_SPEC, spec.name()) : Map.of(TAG_SPEC, spec.name(), TAG_SUBSCRIPTION, subscription);
    }

    boolean owned(Map<String, String> tags) {
        return tags != null && spec.name().equals(tags.get(TAG_SPEC));
    }

    /** Sets region/account/partition from an ARN such as the worker queue's. */
    void adoptArn(String arn) {
        String[] p = arn.split(":", 6);
        partition = p[1];
        region = p[3];
        account = p[4];
    }
}

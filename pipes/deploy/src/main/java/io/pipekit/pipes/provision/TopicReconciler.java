package io.pipekit.pipes.provision;

import io.pipekit.pipes.model.Topic;

import io.pipekit.pipes.spec.TopicSubscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;

/**
 * SNS subscriptions of the worker queue. They carry no tags; pipekit recognises its own by the pair
 * (topic, worker queue) and by its statement for that topic in the queue policy.
 */
final class TopicReconciler {

    private TopicReconciler() {}

    static void plan(Context ctx, boolean destroy, List<Step> creates, List<Step> deletes) {
        SnsClient sns = ctx.clients.sns();
        List<TopicSubscription> topics = destroy ? List.of() : ctx.spec.topics();
        if (sns == null) {
            if (!topics.isEmpty()) {
                // not an error: the rest of the spec is still worth applying to an emulator without SNS
                ctx.notes.add("no SNS client (an emulator without SNS, such as LocalCloud): " + topics.size()
                        + " topic subscription(s) NOT applied: " + topics.stream().map(TopicSubscription::topicArn).toList());
            }
            return;
        }
        Set<String> wanted = new HashSet<>();
        for (TopicSubscription t : topics) {
            wanted.add(t.topicArn());
            Map<String, String> want = new Topic(t).attributes();
            Subscription existing = ctx.queueUrl == null ? null : find(sns, t.topicArn(), ctx.queueArn);
            if (existing == null) {
                creates.add(new Step(new Change(Change.Action.CREATE, "topic-subscription", t.topicArn(), List.of("raw " + t.rawMessageDelivery())),
                        () -> sns.subscribe(b -> b.topicArn(t.topicArn()).protocol("sqs").endpoint(ctx.queueArn)
                                .attributes(onCreate(want)).returnSubscriptionArn(true))));
                continue;
            }
            Map<String, String> have = sns.getSubscriptionAttributes(b -> b.subscriptionArn(existing.subscriptionArn())).attributes();
            Map<String, String> changed = new LinkedHashMap<>();
            want.forEach((k, v) -> {
                if (!SdkDiff.sameValue(v, have.getOrDefault(k, k.equals("FilterPolicy") ? "{}" : null))) {
                    changed.put(k, v);
                }
            });
            if (changed.isEmpty()) {
                ctx.unchanged++;
            } else {
                creates.add(new Step(new Change(Change.Action.UPDATE, "topic-subscription", t.topicArn(), List.copyOf(changed.keySet())),
                        () -> changed.forEach((k, v) -> sns.setSubscriptionAttributes(b -> b.subscriptionArn(existing.subscriptionArn())
                                .attributeName(k).attributeValue(v)))));
            }
        }
        for (String topicArn : QueuePolicyReconciler.topicsInPolicy(ctx).values()) {
            if (wanted.contains(topicArn) || topicArn.isEmpty()) {
                continue;
            }
            Subscription existing = find(sns, topicArn, ctx.queueArn);
            if (existing != null) {
                deletes.add(new Step(new Change(Change.Action.DELETE, "topic-subscription", topicArn, List.of()),
                        () -> sns.unsubscribe(b -> b.subscriptionArn(existing.subscriptionArn()))));
            }
        }
    }

    /** "{}" stands for "no filter policy" in comparisons; a new subscription simply gets none. */
    private static Map<String, String> onCreate(Map<String, String> want) {
        Map<String, String> a = new LinkedHashMap<>(want);
        a.remove("FilterPolicy", "{}");
        return a;
    }

    private static Subscription find(SnsClient sns, String topicArn, String queueArn) {
        List<Subscription> found = new ArrayList<>();
        sns.listSubscriptionsByTopicPaginator(b -> b.topicArn(topicArn)).subscriptions().forEach(s -> {
            if ("sqs".equals(s.protocol()) && Objects.equals(queueArn, s.endpoint())) {
                found.add(s);
            }
        });
        return found.isEmpty() ? null : found.getFirst();
    }
}

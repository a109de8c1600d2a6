package io.pipekit.pipes.spec;

/**
 * An SNS topic subscribed to the worker queue (docs/aws-behaviour.md §3).
 *
 * @param topicArn the topic
 * @param rawMessageDelivery deliver the bare message instead of the SNS JSON envelope
 * @param filterPolicy SNS filter policy, compact JSON, or null
 * @param filterPolicyScope {@code MessageAttributes} (AWS default) or {@code MessageBody}
 */
public record TopicSubscription(
        String name, String topicArn, boolean rawMessageDelivery, String filterPolicy, String filterPolicyScope)
        implements Subscription {}

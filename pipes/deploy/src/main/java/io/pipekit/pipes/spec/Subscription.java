package io.pipekit.pipes.spec;

/** One source of events for the worker queue. */
public sealed interface Subscription permits PipeSubscription, RuleSubscription, TopicSubscription {

    /** Unique within the spec; part of every resource name made for this subscription. */
    String name();

    /** {@code legacy-jobs} → {@code LegacyJobs}: for CloudFormation logical IDs and policy Sids. */
    default String logicalId() {
        return SubscriptionSpec.camel(name());
    }
}

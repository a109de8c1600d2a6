package io.pipekit.testkit;

import io.pipekit.pipes.provision.Plan;
import io.pipekit.pipes.spec.SubscriptionSpec;

/**
 * A subscriptions spec applied to the embedded stack: the spec, what apply did, and the worker queue
 * its pipes and rules deliver to.
 */
public record Subscriptions(SubscriptionSpec spec, Plan applied, TestQueue queue) {}

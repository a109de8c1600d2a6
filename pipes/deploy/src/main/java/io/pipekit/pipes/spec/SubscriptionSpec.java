package io.pipekit.pipes.spec;

import java.util.List;

/**
 * A validated {@code subscriptions.yml}: which events one worker queue wants, declared once.
 *
 * <p>Load it with {@link SpecLoader#load(java.nio.file.Path)}; every instance has passed validation,
 * so provisioning and rendering never see out-of-range values.
 *
 * @param name short name of this spec; prefixes every resource pipekit creates, so that
 *     {@code destroy} finds exactly what {@code apply} made
 * @param source where the spec was read from (file name, for messages)
 */
public record SubscriptionSpec(String name, String source, WorkerQueue queue, List<Subscription> subscriptions) {

    public SubscriptionSpec {
        subscriptions = List.copyOf(subscriptions);
    }

    public List<PipeSubscription> pipes() {
        return subscriptions.stream().filter(PipeSubscription.class::isInstance).map(PipeSubscription.class::cast).toList();
    }

    public List<RuleSubscription> rules() {
        return subscriptions.stream().filter(RuleSubscription.class::isInstance).map(RuleSubscription.class::cast).toList();
    }

    public List<TopicSubscription> topics() {
        return subscriptions.stream().filter(TopicSubscription.class::isInstance).map(TopicSubscription.class::cast).toList();
    }

    /** {@code demo-app} → {@code DemoApp}: for policy Sids. */
    public String logicalId() {
        return camel(name);
    }

    static String camel(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return sb.toString();
    }

    /** The prefix of every resource name pipekit creates for this spec, e.g. {@code pipekit-demo-}. */
    public String resourcePrefix() {
        return "pipekit-" + name + "-";
    }
}

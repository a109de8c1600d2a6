package io.pipekit.pipes.model;

import io.pipekit.pipes.spec.TopicSubscription;
import java.util.LinkedHashMap;
import java.util.Map;

/** One SNS subscription of the worker queue (docs/aws-behaviour.md §3). */
public record Topic(TopicSubscription subscription) {

    public String name() {
        return subscription.name();
    }

    /** Subscription attributes as SNS names them; {@code FilterPolicy "{}"} stands for none. */
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("RawMessageDelivery", Boolean.toString(subscription.rawMessageDelivery()));
        a.put("FilterPolicy", subscription.filterPolicy() == null ? "{}" : subscription.filterPolicy());
        if (subscription.filterPolicyScope() != null) {
            a.put("FilterPolicyScope", subscription.filterPolicyScope());
        }
        return a;
    }

    /** docs/aws-behaviour.md §3: SNS delivers as a service principal, pinned to this topic. */
    public Statement sendStatement(String sid, Ref queue) {
        return Statement.service(sid, "sns.amazonaws.com", Actions.SEND, queue,
                new Statement.Condition("ArnEquals", "aws:SourceArn", new Ref.Literal(subscription.topicArn())));
    }
}

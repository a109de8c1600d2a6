package io.pipekit.pipes.provision;

import java.util.List;

/**
 * One planned change.
 *
 * @param kind resource kind: queue, queue-policy, role, pipe, rule, dead-letter-queue, topic-subscription
 * @param name physical name (or ARN for topic subscriptions)
 * @param details for updates, the fields that differ
 */
public record Change(Action action, String kind, String name, List<String> details) {

    public enum Action { CREATE, UPDATE, REPLACE, DELETE }

    public Change {
        details = List.copyOf(details);
    }

    @Override
    public String toString() {
        String sign = switch (action) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case REPLACE -> "-/+";
            case DELETE -> "-";
        };
        return sign + " " + kind + " " + name + (details.isEmpty() ? "" : "  (" + String.join("; ", details) + ")");
    }
}

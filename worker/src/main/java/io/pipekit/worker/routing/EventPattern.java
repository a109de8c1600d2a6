package io.pipekit.worker.routing;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.event.ruler.Machine;

/**
 * One EventBridge event pattern, compiled by AWS's own matcher, Event Ruler (docs/aws-behaviour.md §2.3),
 * so a pattern that works in a rule or pipe filter behaves the same in the worker.
 */
final class EventPattern {

    private static final String RULE = "route";

    private final String pattern;
    private final Machine machine = new Machine();

    EventPattern(String pattern) {
        this.pattern = pattern;
        try {
            machine.addRule(RULE, pattern);
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid event pattern " + pattern + ": " + e.getMessage(), e);
        }
    }

    boolean matches(JsonNode event) {
        return event != null && !machine.rulesForJSONEvent(event).isEmpty();
    }

    @Override
    public String toString() {
        return pattern;
    }
}

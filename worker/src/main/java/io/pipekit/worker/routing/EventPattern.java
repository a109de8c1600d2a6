package io.pipekit.worker.routing;

import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Patterns;

/**
 * One EventBridge event pattern, compiled by AWS's own matcher, Event Ruler (docs/aws-behaviour.md §2.3),
 * so a pattern that works in a rule or pipe filter behaves the same in the worker. Compiled when the
 * route is registered (an invalid pattern fails there); matched by the router's one {@link PatternMachine}.
 */
record EventPattern(String pattern, List<Map<String, List<Patterns>>> compiled) {

    static EventPattern compile(String pattern) {
        try {
            return new EventPattern(pattern, JsonRuleCompiler.compile(pattern));
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid event pattern " + pattern + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return pattern;
    }
}

package io.pipekit.worker.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.worker.envelope.Envelope;
import java.util.BitSet;
import java.util.List;
import software.amazon.event.ruler.GenericMachine;

/**
 * Every pattern route of a router in one Event Ruler machine, as Event Ruler is meant to be used: one
 * pass over an envelope's JSON finds every pattern it matches, however many routes have one. Rules
 * are named by the route's position, so the router still lets the first registered match win.
 */
final class PatternMachine {

    private final GenericMachine<Integer> machine = GenericMachine.<Integer>builder().build();
    private final boolean empty;

    /** {@code patterns.get(i)} is route i's pattern, null for routes without one. */
    PatternMachine(List<EventPattern> patterns) {
        boolean none = true;
        for (int route = 0; route < patterns.size(); route++) {
            EventPattern pattern = patterns.get(route);
            if (pattern != null) {
                for (var rule : pattern.compiled()) {
                    machine.addPatternRule(route, rule);
                }
                none = false;
            }
        }
        this.empty = none;
    }

    /** The routes whose pattern the envelope matches (empty when it has no JSON to match). */
    BitSet matches(Envelope envelope) {
        BitSet matched = new BitSet();
        JsonNode json = empty ? null : PatternView.of(envelope);
        if (json != null) {
            machine.rulesForJSONEvent(json).forEach(matched::set);
        }
        return matched;
    }
}

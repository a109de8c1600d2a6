package io.pipekit.pipes.bus;

import java.util.LinkedHashMap;
import java.util.Map;

/** A rule on a bus: its pattern (compiled into the bus's event-ruler machine), its state and its targets (guarded by the bus). */
final class BusRule {

    final String name;
    final String arn;
    final String busName;
    String eventPattern;
    String state;
    String description;
    final Map<String, BusTarget> targets = new LinkedHashMap<>();

    BusRule(String name, String arn, String busName) {
        this.name = name;
        this.arn = arn;
        this.busName = busName;
    }

    String name() {
        return name;
    }

    String arn() {
        return arn;
    }
}

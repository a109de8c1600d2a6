package io.pipekit.ops.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects findings in order, once each (several paths can reach the same problem). */
final class Findings {

    private final Set<Finding> found = new LinkedHashSet<>();

    void add(Finding f) {
        found.add(f);
    }

    List<Finding> list() {
        return new ArrayList<>(found);
    }
}

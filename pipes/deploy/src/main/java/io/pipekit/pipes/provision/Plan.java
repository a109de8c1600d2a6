package io.pipekit.pipes.provision;

import java.util.List;

/**
 * What apply (or destroy) would do, in execution order.
 *
 * @param unchanged how many owned resources already match the spec
 * @param notes things pipekit cannot do through these APIs, that need a human (e.g. a KMS key policy)
 */
public record Plan(List<Change> changes, int unchanged, List<String> notes) {

    public Plan {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    public boolean hasChanges() {
        return !changes.isEmpty();
    }

    public long count(Change.Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** Human-readable, one change per line, then a summary starting "Plan:". */
    public String describe() {
        return describe("Plan");
    }

    /** Like {@link #describe()}, the summary starting with {@code heading}, e.g. "Applied". */
    public String describe(String heading) {
        StringBuilder sb = new StringBuilder();
        changes.forEach(c -> sb.append(c).append('\n'));
        notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
        sb.append(hasChanges()
                ? String.format(heading + ": %d to create, %d to update, %d to replace, %d to delete, %d unchanged.",
                        count(Change.Action.CREATE), count(Change.Action.UPDATE), count(Change.Action.REPLACE),
                        count(Change.Action.DELETE), unchanged)
                : "No changes: " + unchanged + " resources match the spec.");
        return sb.toString();
    }
}

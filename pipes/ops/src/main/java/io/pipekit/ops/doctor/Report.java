package io.pipekit.ops.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What doctor found, most severe first.
 *
 * @param scope what was examined (queue URL and the pipes and rules found targeting it)
 */
public record Report(List<String> scope, List<Finding> findings) {

    public Report {
        scope = List.copyOf(scope);
        findings = findings.stream().sorted(Comparator.comparing(Finding::severity)).toList();
    }

    /** 0 clean (notes allowed), 1 warnings, 2 errors. */
    public int exitCode() {
        if (findings.stream().anyMatch(f -> f.severity() == Severity.ERROR)) {
            return 2;
        }
        return findings.stream().anyMatch(f -> f.severity() == Severity.WARNING) ? 1 : 0;
    }

    /** Findings other than notes. */
    public List<Finding> problems() {
        return findings.stream().filter(f -> f.severity() != Severity.NOTE).toList();
    }

    public List<Finding> byCheck(String check) {
        return findings.stream().filter(f -> f.check().equals(check)).toList();
    }

    /** The table: one row per finding (severity, check, resource), its consequence and fix beneath it. */
    public String table() {
        StringBuilder out = new StringBuilder();
        scope.forEach(s -> out.append("checked: ").append(s).append('\n'));
        if (findings.isEmpty()) {
            return out.append("no findings\n").toString();
        }
        int checkWidth = Math.max(5, findings.stream().mapToInt(f -> f.check().length()).max().orElse(5));
        out.append('\n').append(String.format("%-8s %-" + checkWidth + "s %s%n", "SEVERITY", "CHECK", "RESOURCE"));
        for (Finding f : findings) {
            out.append(String.format("%-8s %-" + checkWidth + "s %s%n", f.severity(), f.check(), f.resource()));
            out.append("         breaks: ").append(f.breaks()).append('\n');
            out.append("         fix:    ").append(f.fix()).append('\n');
        }
        long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
        long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
        long notes = findings.size() - errors - warnings;
        out.append('\n').append(errors).append(" error(s), ").append(warnings).append(" warning(s), ").append(notes).append(" note(s)\n");
        return out.toString();
    }

    public String json() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode scopes = root.putArray("checked");
        scope.forEach(scopes::add);
        ArrayNode list = root.putArray("findings");
        for (Finding f : findings) {
            list.addObject().put("severity", f.severity().name()).put("check", f.check()).put("resource", f.resource())
                    .put("breaks", f.breaks()).put("fix", f.fix());
        }
        root.put("exitCode", exitCode());
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Report of(List<String> scope, List<Finding> findings) {
        return new Report(new ArrayList<>(scope), findings);
    }
}

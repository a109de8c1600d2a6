package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * A pipe's {@code FilterCriteria}, matched with event-ruler, the engine EventBridge uses
 * (docs/aws-behaviour.md §1.4, §2.3): a record passes if any filter matches (OR); fields inside one pattern
 * must all match (AND).
 *
 * <p>Patterns on the data field ({@code data} for Kinesis, {@code dynamodb} for DynamoDB,
 * {@code body} for SQS) see it parsed as JSON. A record whose data is not JSON does not match a JSON
 * data pattern (it is dropped); for SQS, a JSON body does not match a plain-string body pattern.
 * Filters run before the poller adds its metadata, so {@code eventSource}, {@code awsRegion} etc.
 * cannot be matched (docs/aws-behaviour.md §1.1).
 */
final class RecordFilter {

    static final int MAX_FILTERS = 5;
    static final int MAX_PATTERN_LENGTH = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pipes supports {@code anything-but} only with a value or list (docs/aws-behaviour.md §2.3 operator table). */
    private static final List<String> ANYTHING_BUT_BUS_ONLY = List.of("prefix", "suffix", "equals-ignore-case", "wildcard");

    private enum DataMode { ABSENT, JSON, PLAIN }

    private record Compiled(Machine machine, DataMode dataMode) {}

    private final List<Compiled> filters;
    private final String dataField;

    private RecordFilter(List<Compiled> filters, String dataField) {
        this.filters = filters;
        this.dataField = dataField;
    }

    static RecordFilter compile(List<String> patterns, SourceKind kind) {
        if (patterns.size() > MAX_FILTERS) {
            throw PipesApiException.validation("1 validation error detected: Value at 'sourceParameters.filterCriteria.filters' failed to satisfy constraint: Member must have length less than or equal to " + MAX_FILTERS);
        }
        List<Compiled> compiled = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern.length() > MAX_PATTERN_LENGTH) {
                throw PipesApiException.validation("1 validation error detected: Value at 'sourceParameters.filterCriteria.filters." + (i + 1) + ".member.pattern' failed to satisfy constraint: Member must have length less than or equal to " + MAX_PATTERN_LENGTH);
            }
            JsonNode tree;
            try {
                tree = JSON.readTree(pattern);
            } catch (IOException e) {
                throw invalid(pattern, "Filter is not valid JSON.");
            }
            if (tree == null || !tree.isObject()) {
                throw invalid(pattern, "Filter pattern must be a JSON object.");
            }
            rejectBusOnlyOperators(tree, pattern);
            JsonNode data = tree.get(kind.dataField);
            DataMode mode = data == null ? DataMode.ABSENT : data.isObject() ? DataMode.JSON : DataMode.PLAIN;
            if (mode == DataMode.PLAIN && kind.isStream()) {
                // docs/aws-behaviour.md §1.4: stream data patterns must be JSON; a plain one fails CreatePipe
                throw invalid(pattern, "The pattern for '" + kind.dataField + "' must be a JSON object for this source.");
            }
            Machine machine = new Machine();
            try {
                machine.addRule("filter-" + i, pattern);
            } catch (IOException | RuntimeException e) {
                throw invalid(pattern, e.getMessage());
            }
            compiled.add(new Compiled(machine, mode));
        }
        return new RecordFilter(List.copyOf(compiled), kind.dataField);
    }

    boolean isEmpty() {
        return filters.isEmpty();
    }

    /**
     * Whether the record (source fields only, data field as delivered: base64 for Kinesis, text for
     * SQS) passes; {@code parsedData} is the data field parsed as JSON, or null when it is not JSON.
     */
    boolean matches(ObjectNode record, JsonNode parsedData) {
        if (filters.isEmpty()) {
            return true;
        }
        ObjectNode parsedView = null;
        for (Compiled filter : filters) {
            ObjectNode view;
            switch (filter.dataMode()) {
                case ABSENT -> view = record;
                case JSON -> {
                    if (parsedData == null || !parsedData.isContainerNode()) {
                        continue;
                    }
                    if (parsedView == null) {
                        parsedView = record.deepCopy();
                        parsedView.set(dataField, parsedData);
                    }
                    view = parsedView;
                }
                case PLAIN -> {
                    if (parsedData != null && parsedData.isContainerNode()) {
                        continue;
                    }
                    view = record;
                }
                default -> throw new IllegalStateException();
            }
            if (!filter.machine().rulesForJSONEvent(view).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static void rejectBusOnlyOperators(JsonNode node, String pattern) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("anything-but") && field.getValue().isObject()) {
                    for (String operator : ANYTHING_BUT_BUS_ONLY) {
                        if (field.getValue().has(operator)) {
                            throw invalid(pattern, "Unsupported operator: anything-but with " + operator + " is not supported by EventBridge Pipes; use anything-but with a value or a list of values.");
                        }
                    }
                }
                rejectBusOnlyOperators(field.getValue(), pattern);
            }
        } else if (node.isArray()) {
            node.forEach(child -> rejectBusOnlyOperators(child, pattern));
        }
    }

    private static PipesApiException invalid(String pattern, String reason) {
        return PipesApiException.validation("Invalid FilterCriteria pattern " + pattern + ". Reason: " + reason);
    }
}

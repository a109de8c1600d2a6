package io.pipekit.ops.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pipekit.pipes.transform.JsonPath;
import io.pipekit.pipes.transform.Template;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.pipes.model.DescribePipeResponse;
import software.amazon.awssdk.services.pipes.model.Filter;
import software.amazon.awssdk.services.pipes.model.PipeTargetSqsQueueParameters;
import software.amazon.event.ruler.Machine;

/**
 * A deployed pipe as far as its delivery goes: its filters, its input template and its FIFO ids,
 * applied to a re-read stream record the way Pipes applies them (docs/aws-behaviour.md §1.4, §1.6, §1.7):
 * filters see the data field parsed when it is JSON and run before the poller metadata exists;
 * templates and {@code $.} ids see the record with metadata and the data field parsed.
 *
 * <p>The same rules are implemented by the local runtime ({@code io.pipekit.pipes.runtime}); its
 * filter and renderer are package-private there, so this is the second copy until they move to a
 * shared module (README).
 */
final class PipeView {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** {@code dataPattern}: the filter constrains the data field as JSON (records whose data is not JSON never match). */
    private record Compiled(Machine machine, boolean dataPattern) {}

    /** One record ready to send. */
    record Rendered(String key, String body, String groupId, String deduplicationId) {}

    final String name;
    final String arn;
    final String sourceArn;
    final String targetArn;
    final String roleArn;
    private final String dataField;
    private final List<Compiled> filters = new ArrayList<>();
    private final Template template;
    private final String groupId;
    private final String deduplicationId;

    PipeView(DescribePipeResponse d) {
        this.name = d.name();
        this.arn = d.arn();
        this.sourceArn = d.source();
        this.targetArn = d.target();
        this.roleArn = d.roleArn();
        this.dataField = sourceArn.contains(":kinesis:") ? "data" : sourceArn.contains(":dynamodb:") ? "dynamodb" : "body";
        var criteria = d.sourceParameters() == null ? null : d.sourceParameters().filterCriteria();
        if (criteria != null) {
            for (Filter f : criteria.filters()) {
                try {
                    Machine m = new Machine();
                    m.addRule("f", f.pattern());
                    filters.add(new Compiled(m, JSON.readTree(f.pattern()).path(dataField).isObject()));
                } catch (IOException e) {
                    throw new IllegalStateException("pipe " + name + " has a filter that is not valid JSON: " + f.pattern(), e);
                }
            }
        }
        String t = d.targetParameters() == null ? null : d.targetParameters().inputTemplate();
        this.template = t == null ? null : Template.parse(t);
        PipeTargetSqsQueueParameters sqs = d.targetParameters() == null ? null : d.targetParameters().sqsQueueParameters();
        this.groupId = sqs == null ? null : sqs.messageGroupId();
        this.deduplicationId = sqs == null ? null : sqs.messageDeduplicationId();
    }

    /**
     * @param fields the record's source fields (no poller metadata), data field as delivered
     * @param parsedData the data field parsed as JSON, or null when it is not JSON
     */
    boolean passes(ObjectNode fields, JsonNode parsedData) {
        if (filters.isEmpty()) {
            return true;
        }
        ObjectNode parsedView = null;
        for (Compiled f : filters) {
            ObjectNode view = fields;
            if (f.dataPattern()) {
                if (parsedData == null || !parsedData.isContainerNode()) {
                    continue;
                }
                if (parsedView == null) {
                    parsedView = fields.deepCopy();
                    parsedView.set(dataField, parsedData);
                }
                view = parsedView;
            }
            try {
                if (!f.machine().rulesForJSONEvent(view).isEmpty()) {
                    return true;
                }
            } catch (Exception e) {
                throw new IllegalStateException("filter failed on a record: " + e.getMessage(), e);
            }
        }
        return false;
    }

    /** The SQS message the pipe sends for this record. */
    Rendered render(String key, ObjectNode event, JsonNode parsedData, Instant ingestedAt) {
        ObjectNode view = event;
        if (parsedData != null && !dataField.equals("dynamodb")) {
            view = event.deepCopy();
            view.set(dataField, parsedData);
        }
        ObjectNode parsedView = view;
        String body = template == null ? write(event) : template.render(v -> resolve(v, event, parsedView, ingestedAt));
        return new Rendered(key, body, dynamic(groupId, parsedView), dynamic(deduplicationId, parsedView));
    }

    private Optional<JsonNode> resolve(String name, ObjectNode event, ObjectNode parsedView, Instant ingestedAt) {
        if (name.startsWith("$")) {
            return JsonPath.parse(name).read(parsedView);
        }
        return Optional.ofNullable(switch (name) {
            case "aws.pipes.pipe-arn" -> TextNode.valueOf(arn);
            case "aws.pipes.pipe-name" -> TextNode.valueOf(this.name);
            case "aws.pipes.source-arn" -> TextNode.valueOf(sourceArn);
            case "aws.pipes.target-arn" -> TextNode.valueOf(targetArn);
            case "aws.pipes.event.ingestion-time" -> TextNode.valueOf(ISO_MILLIS.format(ingestedAt));
            case "aws.pipes.event" -> event;
            case "aws.pipes.event.json" -> parsedView;
            default -> null;
        });
    }

    private static String dynamic(String value, ObjectNode view) {
        if (value == null || !JsonPath.isPath(value)) {
            return value;
        }
        return JsonPath.parse(value).read(view).map(n -> n.isValueNode() ? n.asText() : write(n))
                .orElseThrow(() -> new IllegalArgumentException("dynamic target parameter " + value + " has no value in the record"));
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pipekit.pipes.transform.JsonPath;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Turns a record (with metadata) into the SQS message the target receives: the record's JSON, or
 * the per-record {@code InputTemplate} rendering, plus the FIFO group and dedup ids from static
 * values or {@code $.} paths evaluated on the untransformed record (docs/aws-behaviour.md §1.6, §1.7).
 */
final class RecordRenderer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PipeSettings settings;

    RecordRenderer(PipeSettings settings) {
        this.settings = settings;
    }

    /**
     * @param event the record with metadata, data field as delivered (base64 for Kinesis)
     * @param parsedData the implicitly parsed data field, or null when it is not JSON
     */
    SqsTarget.Message render(int index, ObjectNode event, JsonNode parsedData, Instant ingestedAt) {
        String dataField = settings.kind().dataField;
        // Templates and dynamic parameters see data/body parsed when it is JSON (docs/aws-behaviour.md §1.6)
        ObjectNode parsedView = event;
        if (parsedData != null && settings.kind() != SourceKind.DYNAMODB) {
            parsedView = event.deepCopy();
            parsedView.set(dataField, parsedData);
        }
        ObjectNode view = parsedView;
        String body;
        if (settings.inputTemplate() == null) {
            body = write(event);
        } else {
            body = settings.inputTemplate().render(name -> resolve(name, event, view, ingestedAt));
        }
        return new SqsTarget.Message(index, body, dynamic(settings.messageGroupId(), view), dynamic(settings.messageDeduplicationId(), view));
    }

    private Optional<JsonNode> resolve(String name, ObjectNode event, ObjectNode parsedView, Instant ingestedAt) {
        if (name.startsWith("$")) {
            return JsonPath.parse(name).read(parsedView);
        }
        return Optional.ofNullable(switch (name) {
            case ReservedVariables.PIPE_ARN -> TextNode.valueOf(settings.pipeArn());
            case ReservedVariables.PIPE_NAME -> TextNode.valueOf(settings.pipeName());
            case ReservedVariables.SOURCE_ARN -> TextNode.valueOf(settings.sourceArn());
            case ReservedVariables.TARGET_ARN -> TextNode.valueOf(settings.targetArn());
            case ReservedVariables.ENRICHMENT_ARN -> null;
            case ReservedVariables.INGESTION_TIME -> TextNode.valueOf(ISO_MILLIS.format(ingestedAt));
            case ReservedVariables.EVENT -> event;
            case ReservedVariables.EVENT_JSON -> parsedView;
            default -> null;
        });
    }

    private static String dynamic(String value, ObjectNode view) {
        if (value == null || !JsonPath.isPath(value)) {
            return value;
        }
        return JsonPath.parse(value).read(view)
                .map(node -> node.isValueNode() ? node.asText() : write(node))
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

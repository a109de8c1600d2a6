package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A pipe as the Pipes API declares it: the {@code CreatePipe}/{@code UpdatePipe} request body
 * (PascalCase members: {@code Source}, {@code SourceParameters}, {@code Target},
 * {@code TargetParameters}, {@code RoleArn}, {@code DesiredState}, ...), kept verbatim so
 * {@code DescribePipe} returns what was sent.
 *
 * <p>Build one with {@link #fromJson(String, JsonNode)} from the wire shape, or with
 * {@link #builder(String)} in code.
 */
public record PipeDefinition(String name, ObjectNode request) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    public PipeDefinition {
        request = request.deepCopy();
    }

    /** The wire-shaped request body (a copy). */
    @Override
    public ObjectNode request() {
        return request.deepCopy();
    }

    public static PipeDefinition fromJson(String name, JsonNode request) {
        if (request == null || !request.isObject()) {
            throw PipesApiException.validation("The request body must be a JSON object.");
        }
        return new PipeDefinition(name, (ObjectNode) request);
    }

    public String source() {
        return text("Source").orElse(null);
    }

    public String target() {
        return text("Target").orElse(null);
    }

    public String roleArn() {
        return text("RoleArn").orElse(null);
    }

    public String desiredState() {
        return text("DesiredState").orElse("RUNNING");
    }

    public String description() {
        return text("Description").orElse(null);
    }

    JsonNode sourceParameters() {
        return request.path("SourceParameters");
    }

    JsonNode targetParameters() {
        return request.path("TargetParameters");
    }

    private Optional<String> text(String field) {
        JsonNode node = request.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    /** Checks the request the way {@code CreatePipe} does; throws a {@code ValidationException}. */
    void validate() {
        List<String> errors = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add("Value '" + name + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\.\\-_A-Za-z0-9]+");
        }
        for (String required : List.of("Source", "Target", "RoleArn")) {
            if (text(required).isEmpty()) {
                errors.add("Value null at '" + Character.toLowerCase(required.charAt(0)) + required.substring(1) + "' failed to satisfy constraint: Member must not be null");
            }
        }
        String desired = desiredState();
        if (!desired.equals("RUNNING") && !desired.equals("STOPPED")) {
            errors.add("Value '" + desired + "' at 'desiredState' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, STOPPED]");
        }
        if (!errors.isEmpty()) {
            throw PipesApiException.validation(errors.size() + " validation error" + (errors.size() > 1 ? "s" : "") + " detected: " + String.join("; ", errors));
        }
        PipeSettings.of(this, "arn:aws:pipes:local:000000000000:pipe/" + name);
    }

    /** Starts a definition in code, e.g. {@code PipeDefinition.builder("orders").source(arn).target(arn)...build()}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds the wire-shaped request body in code. */
    public static final class Builder {
        private final String name;
        private final ObjectNode request = JSON.createObjectNode();

        private Builder(String name) {
            this.name = name;
        }

        public Builder source(String arn) {
            request.put("Source", arn);
            return this;
        }

        public Builder target(String arn) {
            request.put("Target", arn);
            return this;
        }

        public Builder roleArn(String arn) {
            request.put("RoleArn", arn);
            return this;
        }

        public Builder desiredState(String state) {
            request.put("DesiredState", state);
            return this;
        }

        public Builder description(String description) {
            request.put("Description", description);
            return this;
        }

        /**
         * The source's parameter object ({@code KinesisStreamParameters}, {@code DynamoDBStreamParameters}
         * or {@code SqsQueueParameters}), e.g. {@code {"StartingPosition":"TRIM_HORIZON","BatchSize":10}}.
         */
        public Builder sourceParameters(String member, String json) {
            ((ObjectNode) request.withObject("/SourceParameters")).set(member, parse(json));
            return this;
        }

        /** Adds a filter pattern ({@code FilterCriteria.Filters[].Pattern}). */
        public Builder filter(String pattern) {
            request.withObject("/SourceParameters").withObject("/FilterCriteria").withArray("Filters")
                    .addObject().put("Pattern", pattern);
            return this;
        }

        public Builder inputTemplate(String template) {
            request.withObject("/TargetParameters").put("InputTemplate", template);
            return this;
        }

        /** {@code SqsQueueParameters} of the target: FIFO group and dedup ids, static or {@code $.} paths. */
        public Builder sqsTarget(String messageGroupId, String messageDeduplicationId) {
            ObjectNode sqs = request.withObject("/TargetParameters").withObject("/SqsQueueParameters");
            if (messageGroupId != null) {
                sqs.put("MessageGroupId", messageGroupId);
            }
            if (messageDeduplicationId != null) {
                sqs.put("MessageDeduplicationId", messageDeduplicationId);
            }
            return this;
        }

        public PipeDefinition build() {
            if (!request.has("RoleArn")) {
                request.put("RoleArn", "arn:aws:iam::000000000000:role/pipekit-local-pipe");
            }
            return new PipeDefinition(name, request);
        }

        private static JsonNode parse(String json) {
            try {
                return JSON.readTree(json);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("not JSON: " + json, e);
            }
        }
    }

    /** A pipe and its lifecycle as {@code DescribePipe} reports it. */
    public record Description(
            PipeDefinition definition,
            String arn,
            String desiredState,
            PipeState currentState,
            String stateReason,
            Instant creationTime,
            Instant lastModifiedTime) {

        public String name() {
            return definition.name();
        }
    }
}

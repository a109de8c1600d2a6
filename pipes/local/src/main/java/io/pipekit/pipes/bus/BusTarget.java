package io.pipekit.pipes.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pipekit.pipes.transform.JsonPath;
import io.pipekit.pipes.transform.Template;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A rule target as {@code PutTargets} declares it, validated, with the body it sends for an event:
 * the whole event, {@code Input}, {@code InputPath} or {@code InputTransformer} (docs/aws-behaviour.md §2.4).
 */
record BusTarget(
        String id,
        String arn,
        ObjectNode declaration,
        String input,
        JsonPath inputPath,
        Map<String, JsonPath> inputPathsMap,
        Template inputTemplate,
        String messageGroupId,
        int maximumRetryAttempts,
        Duration maximumEventAge,
        String deadLetterArn) {

    static BusTarget of(ObjectNode declaration) {
        String id = text(declaration, "Id");
        String arn = text(declaration, "Arn");
        if (id == null || arn == null) {
            throw EventBridgeApiException.validation("Targets need an Id and an Arn.");
        }
        if (!arn.startsWith("arn:aws:sqs:")) {
            throw EventBridgeApiException.validation("Target " + id + ": " + arn + " is not supported by the local EventBridge bus; only Amazon SQS queue targets are.");
        }
        String input = text(declaration, "Input");
        String inputPath = text(declaration, "InputPath");
        JsonNode transformer = declaration.get("InputTransformer");
        int given = (input != null ? 1 : 0) + (inputPath != null ? 1 : 0) + (transformer != null ? 1 : 0);
        if (given > 1) {
            throw EventBridgeApiException.validation("Only one of Input, InputPath, or InputTransformer must be provided for target " + id + ".");
        }
        if (input != null && input.length() > 8192) {
            throw EventBridgeApiException.validation("Input of target " + id + " is longer than 8192 characters.");
        }
        Map<String, JsonPath> paths = new LinkedHashMap<>();
        Template template = null;
        if (transformer != null) {
            transformer.path("InputPathsMap").properties().forEach(e -> {
                if (e.getKey().startsWith("AWS.")) {
                    throw EventBridgeApiException.validation("InputPathsMap key " + e.getKey() + " must not start with AWS.");
                }
                paths.put(e.getKey(), path(e.getValue().asText(), id));
            });
            if (paths.size() > 100) {
                throw EventBridgeApiException.validation("InputPathsMap of target " + id + " has more than 100 entries.");
            }
            String templateText = text(transformer, "InputTemplate");
            if (templateText == null) {
                throw EventBridgeApiException.validation("InputTransformer of target " + id + " needs an InputTemplate.");
            }
            template = Template.parse(templateText, Template.Dialect.RULE);
            for (String variable : template.variables()) {
                if (!paths.containsKey(variable) && !variable.startsWith("aws.events.")) {
                    throw EventBridgeApiException.validation("InputTemplate of target " + id + " uses <" + variable + ">, which is not defined in InputPathsMap.");
                }
            }
        }
        String groupId = declaration.path("SqsParameters").path("MessageGroupId").asText(null);
        if (arn.endsWith(".fifo") && groupId == null) {
            // docs/aws-behaviour.md §2.4: FIFO queue targets need SqsParameters.MessageGroupId
            throw EventBridgeApiException.validation("Parameter(s) SqsParameters must be specified for target: " + id + ".");
        }
        if (!arn.endsWith(".fifo") && groupId != null) {
            throw EventBridgeApiException.validation("Parameter SqsParameters is only valid for FIFO queue targets (target " + id + ").");
        }
        JsonNode retry = declaration.path("RetryPolicy");
        int attempts = retry.path("MaximumRetryAttempts").asInt(185);
        int age = retry.path("MaximumEventAgeInSeconds").asInt(86400);
        if (attempts < 0 || attempts > 185 || age < 60 || age > 86400) {
            throw EventBridgeApiException.validation("RetryPolicy of target " + id + ": MaximumRetryAttempts must be 0-185 and MaximumEventAgeInSeconds 60-86400.");
        }
        String dlq = declaration.path("DeadLetterConfig").path("Arn").asText(null);
        return new BusTarget(id, arn, declaration.deepCopy(), input, inputPath == null ? null : path(inputPath, id), Map.copyOf(paths), template,
                groupId, attempts, Duration.ofSeconds(age), dlq);
    }

    /** The SQS message body for {@code event} (the §2.1 envelope) matched by {@code rule}. */
    String body(ObjectNode event, BusRule rule, String ingestionTime) {
        if (input != null) {
            return input;
        }
        if (inputPath != null) {
            return inputPath.read(event).map(LocalEventBus::write).orElse("");
        }
        if (inputTemplate != null) {
            return inputTemplate.render(name -> resolve(name, event, rule, ingestionTime));
        }
        return LocalEventBus.write(event);
    }

    String messageGroupId(ObjectNode event) {
        if (messageGroupId == null || !JsonPath.isPath(messageGroupId)) {
            return messageGroupId;
        }
        return JsonPath.parse(messageGroupId).read(event).map(n -> n.isValueNode() ? n.asText() : LocalEventBus.write(n)).orElse(null);
    }

    private Optional<JsonNode> resolve(String name, ObjectNode event, BusRule rule, String ingestionTime) {
        JsonPath path = inputPathsMap.get(name);
        if (path != null) {
            return path.read(event);
        }
        return Optional.ofNullable(switch (name) {
            case "aws.events.rule-arn" -> TextNode.valueOf(rule.arn());
            case "aws.events.rule-name" -> TextNode.valueOf(rule.name());
            case "aws.events.event.ingestion-time" -> TextNode.valueOf(ingestionTime);
            case "aws.events.event" -> {
                ObjectNode withoutDetail = event.deepCopy();
                withoutDetail.remove("detail");
                yield withoutDetail;
            }
            case "aws.events.event.json" -> event;
            default -> null;
        });
    }

    private static JsonPath path(String text, String id) {
        try {
            return JsonPath.parse(text);
        } catch (IllegalArgumentException e) {
            throw EventBridgeApiException.validation("Target " + id + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}

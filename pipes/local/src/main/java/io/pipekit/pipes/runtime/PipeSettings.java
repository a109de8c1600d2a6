package io.pipekit.pipes.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.transform.JsonPath;
import io.pipekit.pipes.transform.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The validated, typed view of a {@link PipeDefinition} that the pollers run on. Validation copies
 * the {@code CreatePipe} rules of docs/aws-behaviour.md §1.3, §1.4, §1.6 and §1.7.
 */
record PipeSettings(
        String pipeArn,
        SourceKind kind,
        String sourceArn,
        String targetArn,
        String roleArn,
        int batchSize,
        Duration batchingWindow,
        String startingPosition,
        Instant startingPositionTimestamp,
        int maximumRetryAttempts,
        int maximumRecordAgeSeconds,
        String deadLetterArn,
        RecordFilter filter,
        Template inputTemplate,
        String messageGroupId,
        String messageDeduplicationId) {

    /** SQS {@code SendMessageBatch} takes at most 10 entries (docs/aws-behaviour.md §1.7, §1.8). */
    static final int SQS_TARGET_MAX_BATCH = 10;
    private static final Set<String> KINESIS_POSITIONS = Set.of("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP");
    private static final Set<String> DYNAMODB_POSITIONS = Set.of("TRIM_HORIZON", "LATEST");

    static boolean isSnsTopic(String arn) {
        return arn != null && arn.startsWith("arn:aws:sns:");
    }

    /**
     * The request as {@code DescribePipe} shows it: the source parameter object with the defaults the
     * pipe runs with filled in (BatchSize, MaximumBatchingWindowInSeconds, and for streams
     * MaximumRecordAgeInSeconds −1, MaximumRetryAttempts −1, ParallelizationFactor 1), as AWS returns them
     * (docs/aws-behaviour.md §1.3).
     */
    static ObjectNode described(PipeDefinition definition) {
        ObjectNode request = definition.request();
        SourceKind kind;
        try {
            kind = SourceKind.of(definition.source());
        } catch (RuntimeException e) {
            return request;
        }
        ObjectNode params = request.withObject("/SourceParameters").withObject("/" + kind.parametersMember);
        int sourceDefault = kind == SourceKind.SQS ? 10 : 100;
        params.putIfAbsent("BatchSize", JsonNodeFactory.instance.numberNode(Math.min(sourceDefault, SQS_TARGET_MAX_BATCH)));
        params.putIfAbsent("MaximumBatchingWindowInSeconds", JsonNodeFactory.instance.numberNode(0));
        if (kind.isStream()) {
            params.putIfAbsent("MaximumRecordAgeInSeconds", JsonNodeFactory.instance.numberNode(-1));
            params.putIfAbsent("MaximumRetryAttempts", JsonNodeFactory.instance.numberNode(-1));
            params.putIfAbsent("ParallelizationFactor", JsonNodeFactory.instance.numberNode(1));
        }
        return request;
    }

    static PipeSettings of(PipeDefinition definition, String pipeArn) {
        SourceKind kind = SourceKind.of(definition.source());
        String target = definition.target();
        if (!target.startsWith("arn:aws:sqs:")) {
            throw PipesApiException.validation("Target " + target + " is not supported by the local Pipes runtime: only Amazon SQS queue targets are.");
        }
        if (definition.request().hasNonNull("Enrichment") && !definition.request().get("Enrichment").asText().isEmpty()) {
            // refusing beats silently skipping a step the pipe would run on AWS
            throw PipesApiException.validation("Enrichment is not supported by the local Pipes runtime.");
        }
        JsonNode sourceParameters = definition.sourceParameters();
        for (SourceKind other : SourceKind.values()) {
            if (other != kind && sourceParameters.has(other.parametersMember)) {
                throw PipesApiException.validation("SourceParameters." + other.parametersMember + " cannot be used with source " + definition.source() + ".");
            }
        }
        JsonNode params = sourceParameters.path(kind.parametersMember);
        int sourceDefault = kind == SourceKind.SQS ? 10 : 100;
        // An SQS target takes ≤ 10 records per call; an explicit larger BatchSize is refused, an omitted
        // one becomes 10 (docs/aws-behaviour.md §1.3 "Defaults"; §12 question 2 is still open).
        int batchSize = params.has("BatchSize") ? params.get("BatchSize").asInt() : Math.min(sourceDefault, SQS_TARGET_MAX_BATCH);
        if (batchSize < 1 || batchSize > 10000) {
            throw PipesApiException.validation("1 validation error detected: Value '" + batchSize + "' at 'sourceParameters." + lower(kind.parametersMember) + ".batchSize' failed to satisfy constraint: Member must have value between 1 and 10000");
        }
        if (batchSize > SQS_TARGET_MAX_BATCH) {
            throw PipesApiException.validation("Invalid request: BatchSize " + batchSize + " exceeds the maximum batch size of 10 for target type Amazon SQS (" + target + "). Set " + kind.parametersMember + ".BatchSize to 10 or less.");
        }
        int window = params.path("MaximumBatchingWindowInSeconds").asInt(0);
        if (window < 0 || window > 300) {
            throw PipesApiException.validation("1 validation error detected: Value '" + window + "' at 'sourceParameters." + lower(kind.parametersMember) + ".maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value between 0 and 300");
        }
        String position = params.path("StartingPosition").asText(null);
        Instant positionTimestamp = null;
        int maxRetry = -1;
        int maxAge = -1;
        String dlq = null;
        if (kind.isStream()) {
            Set<String> allowed = kind == SourceKind.KINESIS ? KINESIS_POSITIONS : DYNAMODB_POSITIONS;
            if (position == null) {
                throw PipesApiException.validation("1 validation error detected: Value null at 'sourceParameters." + lower(kind.parametersMember) + ".startingPosition' failed to satisfy constraint: Member must not be null");
            }
            if (!allowed.contains(position)) {
                throw PipesApiException.validation("1 validation error detected: Value '" + position + "' at 'sourceParameters." + lower(kind.parametersMember) + ".startingPosition' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
            }
            if (position.equals("AT_TIMESTAMP")) {
                JsonNode ts = params.get("StartingPositionTimestamp");
                if (ts == null) {
                    throw PipesApiException.validation("StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP.");
                }
                positionTimestamp = Instant.ofEpochMilli((long) (ts.asDouble() * 1000));
            }
            maxRetry = params.path("MaximumRetryAttempts").asInt(-1);
            if (maxRetry < -1 || maxRetry > 10000) {
                throw PipesApiException.validation("1 validation error detected: Value '" + maxRetry + "' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value between -1 and 10000");
            }
            maxAge = params.path("MaximumRecordAgeInSeconds").asInt(-1);
            if (maxAge < -1 || maxAge > 604800) {
                throw PipesApiException.validation("1 validation error detected: Value '" + maxAge + "' at 'maximumRecordAgeInSeconds' failed to satisfy constraint: Member must have value between -1 and 604800");
            }
            dlq = params.path("DeadLetterConfig").path("Arn").asText(null);
            // docs/aws-behaviour.md §1.3: an SQS queue or an SNS topic; the local stack has no SNS, so a
            // topic is accepted (the same pipe works on AWS) and every record bound for it is reported lost
            if (dlq != null && !dlq.startsWith("arn:aws:sqs:") && !isSnsTopic(dlq)) {
                throw PipesApiException.validation("DeadLetterConfig.Arn " + dlq + " must be an Amazon SQS queue or Amazon SNS topic ARN.");
            }
            if (dlq != null && dlq.endsWith(".fifo")) {
                throw PipesApiException.validation("DeadLetterConfig.Arn must be a standard SQS queue, not a FIFO queue: " + dlq);
            }
            int parallelization = params.path("ParallelizationFactor").asInt(1);
            if (parallelization < 1 || parallelization > 10) {
                throw PipesApiException.validation("1 validation error detected: Value '" + parallelization + "' at 'parallelizationFactor' failed to satisfy constraint: Member must have value between 1 and 10");
            }
        } else if (position != null) {
            throw PipesApiException.validation("StartingPosition is not a parameter of SqsQueueParameters.");
        }

        List<String> patterns = new ArrayList<>();
        definition.sourceParameters().path("FilterCriteria").path("Filters")
                .forEach(filter -> patterns.add(filter.path("Pattern").asText()));
        RecordFilter filter = RecordFilter.compile(patterns, kind);

        JsonNode targetParameters = definition.targetParameters();
        Template template = null;
        String inputTemplate = targetParameters.path("InputTemplate").asText("");
        if (inputTemplate.length() > 8192) {
            throw PipesApiException.validation("1 validation error detected: Value at 'targetParameters.inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192");
        }
        if (!inputTemplate.isEmpty()) {
            template = Template.parse(inputTemplate);
            for (String variable : template.variables()) {
                if (variable.startsWith("$")) {
                    parsePath(variable, "InputTemplate");
                } else if (!ReservedVariables.PIPES.contains(variable)) {
                    throw PipesApiException.validation("Invalid InputTemplate: unknown variable <" + variable + ">. Use a JSON path starting with $. or one of " + ReservedVariables.PIPES + ".");
                }
            }
        }
        JsonNode sqsParams = targetParameters.path("SqsQueueParameters");
        String groupId = sqsParams.path("MessageGroupId").asText(null);
        String dedupId = sqsParams.path("MessageDeduplicationId").asText(null);
        boolean fifo = target.endsWith(".fifo");
        if (fifo && groupId == null) {
            throw PipesApiException.validation("MessageGroupId is required in TargetParameters.SqsQueueParameters when the target is a FIFO queue (" + target + ").");
        }
        if (!fifo && (groupId != null || dedupId != null)) {
            throw PipesApiException.validation("MessageGroupId and MessageDeduplicationId are only supported for FIFO queue targets.");
        }
        for (String value : new String[] {groupId, dedupId}) {
            if (value != null && value.length() > 100) {
                throw PipesApiException.validation("SqsQueueParameters values must be at most 100 characters: " + value);
            }
            if (JsonPath.isPath(value)) {
                parsePath(value, "SqsQueueParameters");
            }
        }
        return new PipeSettings(pipeArn, kind, definition.source(), target, definition.roleArn(), batchSize,
                Duration.ofSeconds(window), position, positionTimestamp, maxRetry, maxAge, dlq, filter, template, groupId, dedupId);
    }

    private static void parsePath(String path, String where) {
        try {
            JsonPath.parse(path);
        } catch (IllegalArgumentException e) {
            throw PipesApiException.validation("Invalid " + where + ": " + e.getMessage());
        }
    }

    private static String lower(String member) {
        return Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    String region() {
        return Arns.region(sourceArn);
    }

    String pipeName() {
        return Arns.name(pipeArn);
    }
}

package io.pipekit.pipes.spec;

import java.time.Duration;
import java.util.Map;

/**
 * An EventBridge rule (Classic bus) with the worker queue as its target (docs/aws-behaviour.md §2.4).
 *
 * @param bus event bus name; {@code default} for the account's default bus
 * @param pattern event pattern, compact JSON, validated with event-ruler
 * @param inputPath target InputPath, or null
 * @param transformer target InputTransformer, or null (mutually exclusive with inputPath)
 * @param retries RetryPolicy.MaximumRetryAttempts 0–185, null = AWS default (185)
 * @param maxEventAge RetryPolicy.MaximumEventAgeInSeconds 60 s–24 h, null = AWS default (24 h)
 * @param deadLetterQueue give the target its own DLQ
 * @param fifoGroupId SqsParameters.MessageGroupId, required for a FIFO worker queue
 */
public record RuleSubscription(
        String name,
        String bus,
        String pattern,
        String inputPath,
        InputTransformer transformer,
        Integer retries,
        Duration maxEventAge,
        boolean deadLetterQueue,
        String fifoGroupId) implements Subscription {

    /** EventBridge InputTransformer: variables from JSON paths, then a template. */
    public record InputTransformer(Map<String, String> inputPathsMap, String inputTemplate) {
        public InputTransformer {
            inputPathsMap = Map.copyOf(inputPathsMap);
        }
    }

    public boolean defaultBus() {
        return "default".equals(bus);
    }
}

package io.pipekit.ops.doctor;

/** Reads a queue named by ARN (a DLQ); null when it does not exist or could not be read (then a finding says so). */
@FunctionalInterface
interface QueueLookup {
    QueueFacts byArn(Findings out, String arn, String check);
}

package io.pipekit.pipes.runtime;

import java.util.Set;

/** The reserved template variables of Pipes input transformation (docs/aws-behaviour.md §1.6). */
final class ReservedVariables {

    static final String PIPE_ARN = "aws.pipes.pipe-arn";
    static final String PIPE_NAME = "aws.pipes.pipe-name";
    static final String SOURCE_ARN = "aws.pipes.source-arn";
    static final String ENRICHMENT_ARN = "aws.pipes.enrichment-arn";
    static final String TARGET_ARN = "aws.pipes.target-arn";
    static final String INGESTION_TIME = "aws.pipes.event.ingestion-time";
    static final String EVENT = "aws.pipes.event";
    static final String EVENT_JSON = "aws.pipes.event.json";

    static final Set<String> PIPES = Set.of(PIPE_ARN, PIPE_NAME, SOURCE_ARN, ENRICHMENT_ARN, TARGET_ARN, INGESTION_TIME, EVENT, EVENT_JSON);

    private ReservedVariables() {}
}

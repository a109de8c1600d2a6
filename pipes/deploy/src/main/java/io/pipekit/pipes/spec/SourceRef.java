package io.pipekit.pipes.spec;

/**
 * Where a pipe reads from. Exactly one of the three forms is set.
 *
 * @param name stream, table or queue name: the ARN is looked up through the SDK at apply time, and
 *     built with {@code Fn::Sub} when rendering (not possible for a table stream, whose ARN carries a
 *     creation label)
 * @param arn a literal ARN
 * @param cfnImport rendering only: the name of a CloudFormation export holding the ARN
 *     ({@code Fn::ImportValue}); apply falls back to {@code name} if both are given
 */
public record SourceRef(SourceType type, String name, String arn, String cfnImport) {}

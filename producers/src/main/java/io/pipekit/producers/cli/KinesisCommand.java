package io.pipekit.producers.cli;

import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

@Command(name = "kinesis", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send to a Kinesis stream with PutRecords (<=500 records / 5 MiB per call, failed records retried).")
final class KinesisCommand extends TargetCommand {

    @Option(names = "--stream", required = true, description = "Stream name or ARN.")
    String stream;

    @Override
    OpenTarget open(TrafficPlan plan) {
        KinesisClient client = aws.build(KinesisClient.builder(), "KINESIS", plan.concurrency());
        return new OpenTarget(Targets.kinesis(client, stream), client);
    }
}

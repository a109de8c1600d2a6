package io.pipekit.producers.cli;

import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;

@Command(name = "sqs", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send to an SQS queue with SendMessageBatch (<=10 per call, failed entries retried); the body is the event JSON. "
                + "On a .fifo queue the partition key is the message group.")
final class SqsCommand extends TargetCommand {

    static final class Queue {
        @Option(names = "--queue-url", required = true, description = "Queue URL.")
        String url;

        @Option(names = "--queue", required = true, description = "Queue name (looked up with GetQueueUrl).")
        String name;

        String resolve(SqsClient client) {
            return url != null ? url : client.getQueueUrl(b -> b.queueName(name)).queueUrl();
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Queue queue;

    @Override
    OpenTarget open(TrafficPlan plan) {
        SqsClient client = aws.build(SqsClient.builder(), "SQS", plan.concurrency());
        return new OpenTarget(Targets.sqs(client, queue.resolve(client)), client);
    }
}

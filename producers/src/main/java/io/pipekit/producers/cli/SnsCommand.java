package io.pipekit.producers.cli;

import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

@Command(name = "sns", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Publish SNS-shaped traffic to a topic, or write what the topic would deliver straight into a queue.",
            "Without --via-queue*: PublishBatch to the topic through the SNS API (<=10 per call, failed entries retried).",
            "With --via-queue-url/--via-queue: no SNS call at all; writes to that SQS queue exactly what the topic would deliver "
                + "to a subscribed queue with raw delivery off: the Notification envelope with the event JSON double-encoded in Message "
                + "(for local stacks that have SQS but no SNS). The envelope's Signature is a placeholder."})
final class SnsCommand extends TargetCommand {

    @Option(names = "--topic-arn", defaultValue = "arn:aws:sns:us-east-1:000000000000:pipekit-demo",
            description = "Topic ARN (default: ${DEFAULT-VALUE}).")
    String topicArn;

    @Option(names = "--via-queue-url", description = "Write SNS envelopes to this SQS queue URL instead of calling SNS.")
    String viaQueueUrl;

    @Option(names = "--via-queue", description = "Like --via-queue-url, by queue name.")
    String viaQueue;

    @Override
    OpenTarget open(TrafficPlan plan) {
        if (viaQueueUrl == null && viaQueue == null) {
            SnsClient client = aws.build(SnsClient.builder(), "SNS", plan.concurrency());
            return new OpenTarget(Targets.sns(client, topicArn), client);
        }
        SqsClient client = aws.build(SqsClient.builder(), "SQS", plan.concurrency());
        String url = viaQueueUrl != null ? viaQueueUrl : client.getQueueUrl(b -> b.queueName(viaQueue)).queueUrl();
        return new OpenTarget(Targets.snsEnvelopesToSqs(client, url, topicArn), client);
    }
}

package io.pipekit.producers.cli;

import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Put events on an EventBridge bus with PutEvents (<=10 entries per call, failed entries retried). "
                + "detail-type = event type (e.g. order.paid), detail = the event JSON.")
final class EventsCommand extends TargetCommand {

    @Option(names = "--bus", defaultValue = "default", description = "Event bus name or ARN (default: ${DEFAULT-VALUE}).")
    String bus;

    @Option(names = "--source", defaultValue = "pipekit.producers", description = "Event source (default: ${DEFAULT-VALUE}).")
    String source;

    @Override
    OpenTarget open(TrafficPlan plan) {
        EventBridgeClient client = aws.build(EventBridgeClient.builder(), "EVENTBRIDGE", plan.concurrency());
        return new OpenTarget(Targets.eventBridge(client, bus, source), client);
    }
}

package io.pipekit.pipes.provision;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * Finds a Copilot Worker Service's queue. Copilot lets CloudFormation name it
 * ({@code <app>-<env>-<svc>-EventsQueue-<random>}), so {@code queue.name} cannot find it; every resource
 * of Copilot's stack carries the tags {@code copilot-application}, {@code copilot-environment} and
 * {@code copilot-service}, and CloudFormation adds {@code aws:cloudformation:logical-id}
 * (docs/aws-behaviour.md §6.3).
 */
final class CopilotQueue {

    static final String LOGICAL_ID_TAG = "aws:cloudformation:logical-id";
    static final String LOGICAL_ID = "EventsQueue";

    private CopilotQueue() {}

    /** The queue URL of the service's {@code EventsQueue}. */
    static String find(AwsClients clients, ProvisionOptions.CopilotService svc) {
        if (clients.tagging() == null) {
            throw new IllegalStateException("finding the Copilot queue of " + svc + " needs the Resource Groups Tagging API, which this endpoint lacks");
        }
        List<ResourceTagMapping> found = clients.tagging().getResourcesPaginator(b -> b.resourceTypeFilters("sqs").tagFilters(
                TagFilter.builder().key("copilot-application").values(svc.application()).build(),
                TagFilter.builder().key("copilot-environment").values(svc.environment()).build(),
                TagFilter.builder().key("copilot-service").values(svc.service()).build()))
                .resourceTagMappingList().stream().toList();
        // the service's dead-letter queue (and topic-specific queues) carry the same three tags
        List<ResourceTagMapping> events = found.stream().filter(m -> LOGICAL_ID.equals(tags(m).get(LOGICAL_ID_TAG))).toList();
        List<ResourceTagMapping> pick = events.isEmpty() ? withoutDeadLetterQueues(clients, found) : events;
        if (pick.size() != 1) {
            throw new IllegalStateException("Copilot service " + svc + ": expected one SQS queue tagged copilot-application/-environment/-service"
                    + " with " + LOGICAL_ID_TAG + "=" + LOGICAL_ID + ", found " + found.stream().map(ResourceTagMapping::resourceARN).toList()
                    + (found.isEmpty() ? " (is it deployed? `copilot svc deploy`)" : ""));
        }
        String arn = pick.getFirst().resourceARN();
        String[] p = arn.split(":");
        return clients.sqs().getQueueUrl(b -> b.queueName(p[5]).queueOwnerAWSAccountId(p[4])).queueUrl();
    }

    /** Where the logical-id tag is absent (not deployed by CloudFormation): drop every queue another one redrives to. */
    private static List<ResourceTagMapping> withoutDeadLetterQueues(AwsClients clients, List<ResourceTagMapping> found) {
        java.util.Set<String> targets = new java.util.HashSet<>();
        for (ResourceTagMapping m : found) {
            String[] p = m.resourceARN().split(":");
            String url = clients.sqs().getQueueUrl(b -> b.queueName(p[5]).queueOwnerAWSAccountId(p[4])).queueUrl();
            String redrive = QueueReconciler.attributes(clients.sqs(), url).get("RedrivePolicy");
            if (redrive != null && SdkDiff.tree(redrive) != null) {
                targets.add(SdkDiff.tree(redrive).path("deadLetterTargetArn").asText());
            }
        }
        return found.stream().filter(m -> !targets.contains(m.resourceARN())).toList();
    }

    private static Map<String, String> tags(ResourceTagMapping m) {
        return m.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value(), (a, b) -> b));
    }
}

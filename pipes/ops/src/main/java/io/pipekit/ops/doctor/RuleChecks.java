package io.pipekit.ops.doctor;

import io.pipekit.ops.OpsClients;
import io.pipekit.pipes.spec.RuleSubscription;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * EventBridge rules whose target is the worker queue (docs/aws-behaviour.md §2.4): SQS targets are
 * authorised by the queue's resource policy, not a role, so a missing statement or a key policy
 * that does not admit {@code events.amazonaws.com} drops every event without an error anywhere but
 * the rule's {@code FailedInvocations} metric.
 */
final class RuleChecks {

    static final String EVENTS = "events.amazonaws.com";

    record DeployedRule(String name, String bus, DescribeRuleResponse describe, Target target) {
        String arn() {
            return describe.arn();
        }
    }

    private RuleChecks() {}

    static List<DeployedRule> discover(OpsClients aws, QueueFacts queue, SubscriptionSpec spec, Findings out) {
        Set<String> buses = new LinkedHashSet<>();
        buses.add("default");
        if (spec != null) {
            spec.rules().forEach(r -> buses.add(r.bus()));
        }
        try {
            String token = null;
            do {
                String t = token;
                var page = aws.events().listEventBuses(b -> b.nextToken(t));
                page.eventBuses().forEach(b -> buses.add(b.name()));
                token = page.nextToken();
            } while (token != null);
        } catch (SdkException e) {
            if (!Aws.accessDenied(e)) {
                throw e;
            }
            out.add(Finding.unchecked("rules", queue.arn(), "events:ListEventBuses", "only the default bus" + (spec == null ? "" : " and the spec's buses") + " were searched"));
        }
        Map<String, DeployedRule> found = new LinkedHashMap<>();
        for (String bus : buses) {
            List<String> names = ruleNames(aws, bus, queue.arn(), out);
            for (String name : names) {
                DeployedRule rule = read(aws, bus, name, queue.arn(), out);
                if (rule != null) {
                    found.put(bus + "/" + name, rule);
                }
            }
        }
        if (spec != null) {
            for (RuleSubscription r : spec.rules()) {
                String name = spec.resourcePrefix() + r.name();
                if (!found.containsKey(r.bus() + "/" + name)) {
                    out.add(Finding.error("spec-missing", "rule " + r.bus() + "/" + name,
                            "the spec declares rule '" + r.name() + "' on bus " + r.bus() + " but no rule " + name + " there targets the worker queue: its events never reach the worker",
                            "run `pipekit apply " + spec.source() + "`"));
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /** ListRuleNamesByTarget, or where the endpoint lacks it (pipekit's local bus) every rule's targets. */
    private static List<String> ruleNames(OpsClients aws, String bus, String queueArn, Findings out) {
        List<String> names = new ArrayList<>();
        try {
            String token = null;
            do {
                String t = token;
                var page = aws.events().listRuleNamesByTarget(b -> b.targetArn(queueArn).eventBusName(bus).nextToken(t));
                names.addAll(page.ruleNames());
                token = page.nextToken();
            } while (token != null);
            return names;
        } catch (SdkException e) {
            if (Aws.accessDenied(e)) {
                out.add(Finding.unchecked("rules", "bus " + bus, "events:ListRuleNamesByTarget", "to find the rules that target the queue"));
                return names;
            }
        }
        names.clear();
        String token = null;
        do {
            String t = token;
            var page = aws.events().listRules(b -> b.eventBusName(bus).nextToken(t));
            for (var rule : page.rules()) {
                var targets = aws.events().listTargetsByRule(b -> b.rule(rule.name()).eventBusName(bus)).targets();
                if (targets.stream().anyMatch(x -> queueArn.equals(x.arn()))) {
                    names.add(rule.name());
                }
            }
            token = page.nextToken();
        } while (token != null);
        return names;
    }

    private static DeployedRule read(OpsClients aws, String bus, String name, String queueArn, Findings out) {
        DescribeRuleResponse d = Aws.read(out, "rules", "rule " + bus + "/" + name, "events:DescribeRule",
                () -> aws.events().describeRule(b -> b.name(name).eventBusName(bus)));
        if (d == null) {
            return null;
        }
        List<Target> targets = Aws.read(out, "rules", d.arn(), "events:ListTargetsByRule",
                () -> aws.events().listTargetsByRule(b -> b.rule(name).eventBusName(bus)).targets());
        if (targets == null) {
            return null;
        }
        return targets.stream().filter(t -> queueArn.equals(t.arn())).findFirst().map(t -> new DeployedRule(name, bus, d, t)).orElse(null);
    }

    static void run(QueueFacts queue, List<DeployedRule> rules, KeyChecks keys, QueueLookup lookup, Findings out) {
        for (DeployedRule rule : rules) {
            String arn = rule.arn();
            Target target = rule.target();
            if (rule.describe().state() == RuleState.DISABLED) {
                out.add(Finding.warning("rule-disabled", arn, "the rule is DISABLED: matching events are not delivered", "`aws events enable-rule --name " + rule.name() + " --event-bus-name " + rule.bus() + "`"));
            }
            sendPolicy(queue, arn, "rule-queue-policy", out);
            keys.serviceMayUse(queue, EVENTS, arn);
            if (queue.fifo()) {
                if (target.sqsParameters() == null || target.sqsParameters().messageGroupId() == null) {
                    out.add(Finding.error("rule-fifo-group", arn, "the target is a FIFO queue but the rule target has no SqsParameters.MessageGroupId: every delivery fails",
                            "set the target's SqsParameters.MessageGroupId (spec: fifoGroupId)"));
                }
                if (!queue.contentBasedDeduplication()) {
                    out.add(Finding.error("rule-fifo-dedup", queue.url(), "a rule delivers into this FIFO queue, which has no content-based deduplication: EventBridge sets no deduplication id, so every delivery fails",
                            "set ContentBasedDeduplication=true on the queue (docs/aws-behaviour.md §2.4)"));
                }
            }
            String dlqArn = target.deadLetterConfig() == null ? null : target.deadLetterConfig().arn();
            if (dlqArn == null) {
                out.add(Finding.warning("rule-dlq-missing", arn,
                        "the target has no DeadLetterConfig: an event that fails every retry (or fails for lack of permission, which is not retried) is dropped without a trace",
                        "give the target a standard SQS DLQ with its own queue policy for events.amazonaws.com (spec: deadLetterQueue: true)"));
                continue;
            }
            QueueFacts dlq = lookup.byArn(out, dlqArn, "rule-dlq");
            if (dlq == null) {
                out.add(Finding.error("rule-dlq-missing", dlqArn, "the rule target's DLQ does not exist: failed events are dropped", "create the queue or point DeadLetterConfig at an existing standard queue"));
                continue;
            }
            if (dlq.fifo()) {
                out.add(Finding.error("rule-dlq-fifo", dlqArn, "EventBridge dead-letter queues must be standard queues", "use a standard SQS queue"));
            }
            sendPolicy(dlq, arn, "rule-dlq-policy", out);
            keys.serviceMayUse(dlq, EVENTS, arn);
        }
    }

    /** The queue's one policy must let events.amazonaws.com SendMessage for this rule. */
    private static void sendPolicy(QueueFacts queue, String ruleArn, String check, Findings out) {
        if (!queue.keeps("Policy")) {
            out.add(Finding.note(check, queue.url(), "not checked: this SQS endpoint does not keep queue policies (pipekit's local stack does not enforce them)", "none needed locally"));
            return;
        }
        PolicyDocument policy = queue.policy() == null ? PolicyDocument.empty() : PolicyDocument.parse(queue.policy());
        var request = new PolicyDocument.Request("Service:" + EVENTS, "sqs:SendMessage", queue.arn(),
                Map.of("aws:SourceArn", ruleArn, "aws:SourceAccount", KeyChecks.account(ruleArn)));
        PolicyDocument.Decision decision = policy.evaluate(request);
        if (decision != PolicyDocument.Decision.ALLOWED) {
            String what = check.equals("rule-dlq-policy") ? "the rule's dead-letter queue " : "the queue ";
            out.add(Finding.error(check, queue.url(),
                    ruleArn + " cannot deliver into " + what + queue.name() + ": its policy " + (decision == PolicyDocument.Decision.EXPLICIT_DENY ? "denies" : "has no statement allowing")
                            + " events.amazonaws.com sqs:SendMessage for this rule; events are dropped and only the rule's FailedInvocations metric moves",
                    "add to the queue's policy (keep its other statements: a queue has one policy document): {\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},"
                            + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queue.arn() + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"" + ruleArn + "\"}}}"));
        }
    }
}

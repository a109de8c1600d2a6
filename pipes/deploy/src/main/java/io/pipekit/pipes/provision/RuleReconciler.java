package io.pipekit.pipes.provision;


import io.pipekit.pipes.spec.RuleSubscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBus;
import software.amazon.awssdk.services.eventbridge.model.ListRulesResponse;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Tag;
import software.amazon.awssdk.services.eventbridge.model.Target;

/** EventBridge rules with the worker queue as their one target (docs/aws-behaviour.md §2.4). */
final class RuleReconciler {

    private RuleReconciler() {}

    static void plan(Context ctx, boolean destroy, List<Step> creates, List<Step> deletes) {
        EventBridgeClient events = ctx.clients.events();
        Set<String> wanted = new HashSet<>();
        if (!destroy) {
            for (RuleSubscription r : ctx.spec.rules()) {
                String name = ctx.resourceName(r.name());
                wanted.add(r.bus() + "/" + name);
                Target target = target(ctx, r);
                DescribeRuleResponse have;
                try {
                    have = events.describeRule(b -> b.name(name).eventBusName(r.bus()));
                } catch (ResourceNotFoundException absent) {
                    creates.add(new Step(new Change(Change.Action.CREATE, "rule", name, List.of("bus " + r.bus())), () -> put(ctx, r, name, target)));
                    continue;
                }
                if (!ctx.owned(tags(events, have.arn()))) {
                    throw new IllegalStateException("rule '" + name + "' on bus " + r.bus() + " exists but is not tagged "
                            + Context.TAG_SPEC + "=" + ctx.spec.name() + "; pipekit will not manage it");
                }
                List<String> diffs = new ArrayList<>();
                if (!SdkDiff.sameValue(r.pattern(), have.eventPattern())) {
                    diffs.add("eventPattern");
                }
                if (!"ENABLED".equals(have.stateAsString())) {
                    diffs.add("state: " + have.stateAsString() + " -> ENABLED");
                }
                List<Target> targets = events.listTargetsByRule(b -> b.rule(name).eventBusName(r.bus())).targets();
                Target current = targets.stream().filter(t -> io.pipekit.pipes.model.Rule.TARGET_ID.equals(t.id())).findFirst().orElse(null);
                if (current == null) {
                    diffs.add("target missing");
                } else {
                    SdkDiff.diff("Target", target, current, diffs);
                    if (target.inputTransformer() == null && current.inputTransformer() != null) {
                        diffs.add("Target.InputTransformer removed");
                    }
                    if (target.inputPath() == null && current.inputPath() != null) {
                        diffs.add("Target.InputPath removed");
                    }
                }
                if (diffs.isEmpty()) {
                    ctx.unchanged++;
                } else {
                    creates.add(new Step(new Change(Change.Action.UPDATE, "rule", name, diffs), () -> put(ctx, r, name, target)));
                }
            }
        }
        for (EventBus bus : events.listEventBuses(b -> b.limit(100)).eventBuses()) {
            String token = null;
            do {
                String t = token;
                ListRulesResponse page = events.listRules(b -> b.namePrefix(ctx.prefix()).eventBusName(bus.name()).nextToken(t));
                for (Rule rule : page.rules()) {
                    if (!wanted.contains(bus.name() + "/" + rule.name()) && ctx.owned(tags(events, rule.arn()))) {
                        deletes.add(new Step(new Change(Change.Action.DELETE, "rule", rule.name(), List.of("bus " + bus.name())),
                                () -> delete(events, rule.name(), bus.name())));
                    }
                }
                token = page.nextToken();
            } while (token != null);
        }
    }

    static Target target(Context ctx, RuleSubscription r) {
        return new io.pipekit.pipes.model.Rule(r).target(ctx::arn);
    }

    private static void put(Context ctx, RuleSubscription r, String name, Target target) {
        EventBridgeClient events = ctx.clients.events();
        events.putRule(b -> b.name(name).eventBusName(r.bus()).eventPattern(r.pattern()).state(RuleState.ENABLED)
                .description("pipekit " + ctx.spec.name() + "/" + r.name())
                .tags(ctx.tags(r.name()).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        PutTargetsResponse res = events.putTargets(b -> b.rule(name).eventBusName(r.bus()).targets(target));
        // docs/aws-behaviour.md §2.2-style partial failure: HTTP 200 with failed entries
        if (res.failedEntryCount() != null && res.failedEntryCount() > 0) {
            throw new IllegalStateException("PutTargets for rule " + name + " failed: " + res.failedEntries());
        }
    }

    private static void delete(EventBridgeClient events, String name, String bus) {
        List<String> ids = events.listTargetsByRule(b -> b.rule(name).eventBusName(bus)).targets().stream().map(Target::id).toList();
        if (!ids.isEmpty()) {
            events.removeTargets(b -> b.rule(name).eventBusName(bus).ids(ids));
        }
        events.deleteRule(b -> b.name(name).eventBusName(bus));
    }

    private static Map<String, String> tags(EventBridgeClient events, String arn) {
        return events.listTagsForResource(b -> b.resourceARN(arn)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }
}

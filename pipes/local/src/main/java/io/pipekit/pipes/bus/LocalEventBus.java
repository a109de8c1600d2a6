package io.pipekit.pipes.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipekit.pipes.internal.Backoff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.event.ruler.Machine;

/**
 * pipekit's local EventBridge (classic event bus) for SQS targets: buses, rules matched with
 * event-ruler, targets that receive the §2.1 event or its {@code Input}/{@code InputPath}/
 * {@code InputTransformer} result (docs/aws-behaviour.md §2). Serve it with {@link EventBridgeApiServer}
 * and use the SDK's {@code EventBridgeClient}; {@link #handle} is the same API in-process.
 *
 * <p>Delivery is asynchronous and at-least-once: each target sends what is waiting at once, in
 * {@code SendMessageBatch} calls; errors retrying cannot fix go straight to the target's
 * {@code DeadLetterConfig} queue, others are retried with backoff up to its {@code RetryPolicy}
 * without holding up later events ({@link TargetDispatcher}).
 */
public final class LocalEventBus implements AutoCloseable {

    /** PutEvents entry-size limit of the API docs; the cloud now takes 1 MB (docs/aws-behaviour.md §2.2). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final SqsClient sqs;
    private final String region;
    private final String accountId;
    private final int maxRequestBytes;
    private final Backoff backoff;
    private final Clock clock;
    /** Fires the targets' retries; the sends themselves run on virtual threads. */
    private final ScheduledExecutorService retryTimer;
    private final Map<String, Map<String, BusRule>> buses = new ConcurrentHashMap<>();
    /**
     * One event-ruler machine per bus holding every rule's pattern under the rule's name, so one
     * pass over an event finds every matching rule and matching cost stays flat in the number of
     * rules (guarded by this).
     */
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();
    private final Map<String, TargetDispatcher> dispatchers = new ConcurrentHashMap<>();
    /** Tags by bus or rule ARN; an entry exists exactly while its resource does (guarded by this). */
    private final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
    private final AtomicLong matchedEvents = new AtomicLong();

    private LocalEventBus(Builder builder) {
        this.sqs = Objects.requireNonNull(builder.sqs, "an SqsClient is required");
        this.region = builder.region;
        this.accountId = builder.accountId;
        this.maxRequestBytes = builder.maxRequestBytes;
        this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
        this.clock = builder.clock;
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bus-retries").factory());
        buses.put("default", new LinkedHashMap<>());
        machines.put("default", Machine.builder().build());
        tags.put(busArn("default"), new LinkedHashMap<>());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one EventBridge API operation ({@code PutEvents}, {@code PutRule}, ...) on its JSON 1.1
     * request body and returns the response body; failures throw {@link EventBridgeApiException}.
     */
    public ObjectNode handle(String operation, ObjectNode request) {
        return switch (operation) {
            case "PutEvents" -> putEvents(request);
            case "CreateEventBus" -> createEventBus(request);
            case "DeleteEventBus" -> deleteEventBus(request);
            case "DescribeEventBus" -> describeEventBus(request);
            case "ListEventBuses" -> listEventBuses(request);
            case "PutRule" -> putRule(request);
            case "DeleteRule" -> deleteRule(request);
            case "DescribeRule" -> describeRule(request);
            case "ListRules" -> listRules(request);
            case "EnableRule" -> setState(request, "ENABLED");
            case "DisableRule" -> setState(request, "DISABLED");
            case "PutTargets" -> putTargets(request);
            case "RemoveTargets" -> removeTargets(request);
            case "ListTargetsByRule" -> listTargets(request);
            case "ListTagsForResource" -> listTags(request);
            case "TagResource" -> tagResource(request);
            case "UntagResource" -> untagResource(request);
            case "TestEventPattern" -> testEventPattern(request);
            default -> throw new EventBridgeApiException("UnknownOperationException", "The local EventBridge bus does not implement " + operation + ".");
        };
    }

    /** Events matched by at least one enabled rule since start. */
    public long matchedEvents() {
        return matchedEvents.get();
    }

    // ---- buses ----

    private synchronized ObjectNode createEventBus(ObjectNode request) {
        String name = required(request, "Name");
        if (name.equals("default") || buses.containsKey(name)) {
            throw new EventBridgeApiException("ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
        }
        if (name.contains("/") || name.startsWith("aws.")) {
            throw EventBridgeApiException.validation("Event bus name " + name + " is not valid.");
        }
        buses.put(name, new LinkedHashMap<>());
        machines.put(name, Machine.builder().build());
        tags.put(busArn(name), tagMap(request.path("Tags")));
        return JSON.createObjectNode().put("EventBusArn", busArn(name));
    }

    private synchronized ObjectNode deleteEventBus(ObjectNode request) {
        String name = busName(required(request, "Name"));
        if (name.equals("default")) {
            throw EventBridgeApiException.validation("Cannot delete event bus default.");
        }
        Map<String, BusRule> rules = buses.remove(name);
        machines.remove(name);
        if (rules != null) {
            rules.values().forEach(rule -> rule.targets.values().forEach(t -> stopDispatcher(rule, t)));
            rules.values().forEach(rule -> tags.remove(rule.arn));
            tags.remove(busArn(name));
        }
        return JSON.createObjectNode();
    }

    private synchronized ObjectNode describeEventBus(ObjectNode request) {
        String name = busName(request.path("Name").asText("default"));
        bus(name);
        return JSON.createObjectNode().put("Name", name).put("Arn", busArn(name));
    }

    private synchronized ObjectNode listEventBuses(ObjectNode request) {
        String prefix = request.path("NamePrefix").asText("");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("EventBuses");
        buses.keySet().stream().sorted().filter(n -> n.startsWith(prefix))
                .forEach(n -> list.addObject().put("Name", n).put("Arn", busArn(n)));
        return response;
    }

    // ---- rules ----

    private synchronized ObjectNode putRule(ObjectNode request) {
        String name = required(request, "Name");
        String busName = busName(request.path("EventBusName").asText("default"));
        Map<String, BusRule> rules = bus(busName);
        if (request.hasNonNull("ScheduleExpression")) {
            throw EventBridgeApiException.validation("ScheduleExpression is not supported by the local EventBridge bus.");
        }
        String pattern = required(request, "EventPattern");
        if (pattern.length() > 4096) {
            throw EventBridgeApiException.validation("EventPattern is longer than 4096 characters.");
        }
        validatePattern(pattern);
        Machine machine = machines.get(busName);
        BusRule rule = rules.computeIfAbsent(name, n -> new BusRule(n, ruleArn(busName, n), busName));
        // Tags count only when PutRule creates the rule; an update keeps the rule's tags (use TagResource)
        tags.putIfAbsent(rule.arn, tagMap(request.path("Tags")));
        try {
            if (rule.eventPattern != null) {
                machine.deleteRule(name, rule.eventPattern);
            }
            machine.addRule(name, pattern);
        } catch (IOException e) {
            throw new IllegalStateException("a validated pattern failed to compile", e);
        }
        rule.eventPattern = pattern;
        rule.state = request.path("State").asText("ENABLED");
        rule.description = request.path("Description").asText(null);
        return JSON.createObjectNode().put("RuleArn", rule.arn);
    }

    /** Compiles {@code pattern} on its own, so a bad one never reaches a bus's machine. */
    private static void validatePattern(String pattern) {
        try {
            JsonNode tree = JSON.readTree(pattern);
            if (tree == null || !tree.isObject()) {
                throw new IOException("Event pattern must be a JSON object");
            }
            Machine.builder().build().addRule("check", pattern);
        } catch (IOException | RuntimeException e) {
            throw new EventBridgeApiException("InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
        }
    }

    /**
     * {@code TestEventPattern}: whether {@code Event} (a whole §2.1 event, as JSON text) matches
     * {@code EventPattern}, with the same event-ruler matching as the rules (docs/aws-behaviour.md §2.3).
     */
    private ObjectNode testEventPattern(ObjectNode request) {
        String pattern = required(request, "EventPattern");
        String eventText = required(request, "Event");
        validatePattern(pattern);
        JsonNode event;
        try {
            event = JSON.readTree(eventText);
        } catch (IOException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            throw EventBridgeApiException.validation("Parameter Event is not valid: it must be a JSON object.");
        }
        // the API reference: the event must contain id, account, source, time, region, resources and detail-type
        for (String field : List.of("id", "account", "source", "time", "region", "resources", "detail-type")) {
            if (!event.has(field)) {
                throw EventBridgeApiException.validation("Parameter Event is not valid. Reason: Provided Event must have field: " + field + ".");
            }
        }
        Machine machine = Machine.builder().build();
        try {
            machine.addRule("test", pattern);
        } catch (IOException e) {
            throw new EventBridgeApiException("InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
        }
        return JSON.createObjectNode().put("Result", !machine.rulesForJSONEvent(event).isEmpty());
    }

    private synchronized ObjectNode deleteRule(ObjectNode request) {
        String busName = busName(request.path("EventBusName").asText("default"));
        Map<String, BusRule> rules = bus(busName);
        BusRule rule = rules.get(required(request, "Name"));
        if (rule != null) {
            if (!rule.targets.isEmpty()) {
                throw EventBridgeApiException.validation("Rule can't be deleted since it has targets.");
            }
            rules.remove(rule.name);
            tags.remove(rule.arn);
            try {
                machines.get(busName).deleteRule(rule.name, rule.eventPattern);
            } catch (IOException e) {
                throw new IllegalStateException("a stored pattern failed to parse", e);
            }
        }
        return JSON.createObjectNode();
    }

    private synchronized ObjectNode describeRule(ObjectNode request) {
        BusRule rule = rule(request, "Name");
        ObjectNode node = ruleNode(rule);
        node.put("CreatedBy", accountId);
        return node;
    }

    private synchronized ObjectNode listRules(ObjectNode request) {
        String busName = busName(request.path("EventBusName").asText("default"));
        String prefix = request.path("NamePrefix").asText("");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Rules");
        bus(busName).values().stream().filter(r -> r.name.startsWith(prefix)).sorted((a, b) -> a.name.compareTo(b.name))
                .forEach(r -> list.add(ruleNode(r)));
        return response;
    }

    private synchronized ObjectNode setState(ObjectNode request, String state) {
        rule(request, "Name").state = state;
        return JSON.createObjectNode();
    }

    private ObjectNode ruleNode(BusRule rule) {
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", rule.name);
        node.put("Arn", rule.arn);
        node.put("EventPattern", rule.eventPattern);
        node.put("State", rule.state);
        if (rule.description != null) {
            node.put("Description", rule.description);
        }
        node.put("EventBusName", rule.busName);
        return node;
    }

    // ---- tags ----

    private synchronized ObjectNode listTags(ObjectNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Tags");
        tagsOf(request).forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
        return response;
    }

    private synchronized ObjectNode tagResource(ObjectNode request) {
        tagsOf(request).putAll(tagMap(request.path("Tags")));
        return JSON.createObjectNode();
    }

    private synchronized ObjectNode untagResource(ObjectNode request) {
        Map<String, String> current = tagsOf(request);
        request.path("TagKeys").forEach(k -> current.remove(k.asText()));
        return JSON.createObjectNode();
    }

    private Map<String, String> tagsOf(ObjectNode request) {
        String arn = required(request, "ResourceARN");
        Map<String, String> current = tags.get(arn);
        if (current == null) {
            throw EventBridgeApiException.notFound("Resource " + arn + " does not exist.");
        }
        return current;
    }

    private static Map<String, String> tagMap(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode tag : list) {
            out.put(tag.path("Key").asText(), tag.path("Value").asText());
        }
        return out;
    }

    // ---- targets ----

    private synchronized ObjectNode putTargets(ObjectNode request) {
        BusRule rule = rule(request, "Rule");
        JsonNode targets = request.path("Targets");
        if (!targets.isArray() || targets.isEmpty() || targets.size() > 10) {
            throw EventBridgeApiException.validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10");
        }
        List<BusTarget> parsed = new ArrayList<>();
        for (JsonNode target : targets) {
            parsed.add(BusTarget.of((ObjectNode) target));
        }
        long added = parsed.stream().filter(t -> !rule.targets.containsKey(t.id())).count();
        if (rule.targets.size() + added > 5) {
            throw new EventBridgeApiException("LimitExceededException", "The requested resource exceeds the maximum number allowed: a rule can have at most 5 targets.");
        }
        for (BusTarget target : parsed) {
            BusTarget previous = rule.targets.put(target.id(), target);
            if (previous != null) {
                stopDispatcher(rule, previous);
            }
        }
        return JSON.createObjectNode().put("FailedEntryCount", 0).set("FailedEntries", JSON.createArrayNode());
    }

    private synchronized ObjectNode removeTargets(ObjectNode request) {
        BusRule rule = rule(request, "Rule");
        for (JsonNode id : request.path("Ids")) {
            BusTarget removed = rule.targets.remove(id.asText());
            if (removed != null) {
                stopDispatcher(rule, removed);
            }
        }
        return JSON.createObjectNode().put("FailedEntryCount", 0).set("FailedEntries", JSON.createArrayNode());
    }

    private synchronized ObjectNode listTargets(ObjectNode request) {
        BusRule rule = rule(request, "Rule");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Targets");
        rule.targets.values().forEach(t -> list.add(t.declaration()));
        return response;
    }

    // ---- events ----

    private ObjectNode putEvents(ObjectNode request) {
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
            // docs/aws-behaviour.md §2.2: 1 to 10 entries per call
            throw EventBridgeApiException.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
        }
        long total = 0;
        for (JsonNode entry : entries) {
            total += entrySize(entry);
        }
        if (total > maxRequestBytes) {
            throw EventBridgeApiException.validation("Total size of the entries in the request is over the limit (" + total + " > " + maxRequestBytes + " bytes).");
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            ObjectNode result = results.addObject();
            try {
                result.put("EventId", accept(entry));
            } catch (EventBridgeApiException e) {
                failed++;
                result.put("ErrorCode", e.errorType());
                result.put("ErrorMessage", e.getMessage());
            }
        }
        response.put("FailedEntryCount", failed);
        return response;
    }

    /** Size as AWS computes it: Time (14 bytes if set) + Source + DetailType + Detail + Resources, UTF-8. */
    private static long entrySize(JsonNode entry) {
        long size = entry.has("Time") ? 14 : 0;
        for (String field : new String[] {"Source", "DetailType", "Detail"}) {
            size += entry.path(field).asText("").getBytes(StandardCharsets.UTF_8).length;
        }
        for (JsonNode resource : entry.path("Resources")) {
            size += resource.asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private String accept(JsonNode entry) {
        String source = entry.path("Source").asText(null);
        String detailType = entry.path("DetailType").asText(null);
        String detailText = entry.path("Detail").asText(null);
        if (source == null || source.isEmpty()) {
            throw new EventBridgeApiException("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (detailType == null || detailType.isEmpty() || detailType.length() > 128) {
            throw new EventBridgeApiException("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument of at most 128 characters.");
        }
        if (detailText == null) {
            throw new EventBridgeApiException("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        JsonNode detail;
        try {
            detail = JSON.readTree(detailText);
        } catch (IOException e) {
            detail = null;
        }
        if (detail == null || !detail.isObject()) {
            throw new EventBridgeApiException("MalformedDetail", "Detail is malformed.");
        }
        String busName = busName(entry.path("EventBusName").asText("default"));
        Instant now = clock.instant();
        Instant time = entry.has("Time") ? Instant.ofEpochMilli((long) (entry.get("Time").asDouble() * 1000)) : now;
        String id = UUID.randomUUID().toString();
        // docs/aws-behaviour.md §2.1 envelope; time has second precision
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType);
        event.put("source", source);
        event.put("account", accountId);
        event.put("time", SECONDS.format(time.truncatedTo(ChronoUnit.SECONDS)));
        event.put("region", region);
        ArrayNode resources = event.putArray("resources");
        entry.path("Resources").forEach(r -> resources.add(r.asText()));
        event.set("detail", detail);
        List<Map.Entry<BusRule, BusTarget>> deliveries = new ArrayList<>();
        synchronized (this) {
            Map<String, BusRule> rules = buses.get(busName);
            if (rules == null) {
                throw EventBridgeApiException.notFound("Event bus " + busName + " does not exist.");
            }
            for (String matched : machines.get(busName).rulesForJSONEvent(event)) {
                BusRule rule = rules.get(matched);
                if (rule != null && "ENABLED".equals(rule.state)) {
                    rule.targets.values().forEach(t -> deliveries.add(Map.entry(rule, t)));
                }
            }
        }
        if (!deliveries.isEmpty()) {
            matchedEvents.incrementAndGet();
        }
        String ingestion = MILLIS.format(now);
        String original = deliveries.isEmpty() ? null : write(event);
        for (Map.Entry<BusRule, BusTarget> delivery : deliveries) {
            BusRule rule = delivery.getKey();
            BusTarget target = delivery.getValue();
            dispatcher(rule, target).enqueue(new TargetDispatcher.Delivery(
                    target.body(event, rule, ingestion), target.messageGroupId(event), original, now, 0));
        }
        return id;
    }

    private TargetDispatcher dispatcher(BusRule rule, BusTarget target) {
        return dispatchers.computeIfAbsent(rule.arn + "|" + target.id(),
                key -> new TargetDispatcher(sqs, rule.arn, target, backoff, retryTimer, clock));
    }

    private void stopDispatcher(BusRule rule, BusTarget target) {
        TargetDispatcher dispatcher = dispatchers.remove(rule.arn + "|" + target.id());
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    // ---- helpers ----

    private BusRule rule(ObjectNode request, String nameField) {
        String busName = busName(request.path("EventBusName").asText("default"));
        String name = required(request, nameField);
        BusRule rule = bus(busName).get(name);
        if (rule == null) {
            throw EventBridgeApiException.notFound("Rule " + name + " does not exist on EventBus " + busName + ".");
        }
        return rule;
    }

    private Map<String, BusRule> bus(String name) {
        Map<String, BusRule> rules = buses.get(name);
        if (rules == null) {
            throw EventBridgeApiException.notFound("Event bus " + name + " does not exist.");
        }
        return rules;
    }

    /** Accepts a bus name or ARN. */
    private static String busName(String nameOrArn) {
        int slash = nameOrArn.lastIndexOf("event-bus/");
        return nameOrArn.startsWith("arn:") && slash >= 0 ? nameOrArn.substring(slash + "event-bus/".length()) : nameOrArn;
    }

    private String busArn(String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + name;
    }

    private String ruleArn(String busName, String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/" + (busName.equals("default") ? "" : busName + "/") + name;
    }

    private static String required(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            throw EventBridgeApiException.validation("1 validation error detected: Value null at '" + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: Member must not be null");
        }
        return value.asText();
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the delivery workers; events still queued for delivery are logged and lost with the bus. */
    @Override
    public void close() {
        dispatchers.values().forEach(TargetDispatcher::close);
        dispatchers.clear();
        retryTimer.shutdownNow();
    }

    public static final class Builder {
        private SqsClient sqs;
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The client that delivers to SQS targets and DLQs (required; not closed by the bus). */
        public Builder sqs(SqsClient sqs) {
            this.sqs = sqs;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        /** PutEvents size limit; 256 KiB by default, 1 MiB like the 2026 cloud if you prefer. */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        public Builder retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** The bus's clock: event times and the targets' {@code MaximumEventAgeInSeconds} (tests move it). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public LocalEventBus build() {
            return new LocalEventBus(this);
        }
    }
}

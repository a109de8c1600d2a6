package io.pipekit.pipes.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.event.ruler.JsonRuleCompiler;

/**
 * Reads and validates a {@code subscriptions.yml}. Every problem is collected (not just the first)
 * with file, line, field and the allowed values, and nothing is returned unless the whole spec is
 * valid — so provisioning never creates half a set of resources from a bad file.
 */
public final class SpecLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPEC_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,23}");
    private static final Pattern SUB_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,29}");
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}(\\.fifo)?");
    private static final Pattern BUS_NAME = Pattern.compile("[/.\\-_A-Za-z0-9]{1,256}");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:\\d{12}:.+");
    // docs/aws-behaviour.md §1.4: fields the poller adds after filtering can never match a pipe filter
    private static final Set<String> UNFILTERABLE = Set.of("awsRegion", "eventSource", "eventSourceARN",
            "eventVersion", "eventID", "eventName", "invokeIdentityArn", "eventSourceKey");
    // docs/aws-behaviour.md §2.3: anything-but with these operators works on a bus but not in Pipes filters
    private static final Set<String> PIPES_UNSUPPORTED_ANYTHING_BUT = Set.of("prefix", "suffix", "equals-ignore-case", "wildcard");

    private final String file;
    private final LocatedYaml doc;
    private final List<SpecProblem> problems = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private SpecLoader(String file, LocatedYaml doc) {
        this.file = file;
        this.doc = doc;
    }

    /** Loads and validates a spec file. @throws SpecException listing every problem */
    public static SubscriptionSpec load(Path path) {
        try {
            return parse(Files.readString(path), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** Validates spec text; {@code fileName} is only used in messages. @throws SpecException listing every problem */
    public static SubscriptionSpec parse(String yaml, String fileName) {
        LocatedYaml doc;
        try {
            doc = LocatedYaml.parse(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new SpecException(List.of(new SpecProblem(fileName, l == null ? 0 : l.getLineNr(),
                    l == null ? 0 : l.getColumnNr(), "(document)", "not valid YAML: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpecLoader loader = new SpecLoader(fileName, doc);
        SubscriptionSpec spec = loader.read();
        if (!loader.problems.isEmpty()) {
            loader.problems.sort(java.util.Comparator.comparingInt(SpecProblem::line).thenComparingInt(SpecProblem::column));
            throw new SpecException(loader.problems);
        }
        return spec;
    }

    // ---- the document ---------------------------------------------------------------------

    private SubscriptionSpec read() {
        Obj root = new Obj(doc.root, "", "");
        if (!doc.root.isObject()) {
            problem("", "(document)", "must be a mapping with keys version, name, queue, subscriptions");
            return null;
        }
        root.only("version", "name", "queue", "subscriptions");
        Integer version = root.integer("version", 1, 1, null, true);
        String name = root.string("name", true);
        if (name != null && !SPEC_NAME.matcher(name).matches()) {
            root.fail("name", "must match [a-z0-9][a-z0-9-]{0,23} (it prefixes every resource name), got '" + name + "'");
        }
        WorkerQueue queue = root.object("queue", true) instanceof Obj q ? queue(q) : null;
        List<Subscription> subs = new ArrayList<>();
        if (root.object("subscriptions", true) instanceof Obj s) {
            s.only("kinesis", "dynamodb", "sqs", "rules", "sns");
            for (SourceType type : SourceType.values()) {
                for (Obj item : s.list(type.key())) {
                    subs.add(pipe(item, type, queue));
                }
            }
            for (Obj item : s.list("rules")) {
                subs.add(rule(item, queue));
            }
            for (Obj item : s.list("sns")) {
                subs.add(topic(item));
            }
            if (subs.isEmpty()) {
                s.failSelf("declares no subscription; add at least one of kinesis, dynamodb, sqs, rules, sns");
            }
        }
        if (version == null || name == null || queue == null) {
            return null;
        }
        return new SubscriptionSpec(name, file, queue, subs);
    }

    private WorkerQueue queue(Obj q) {
        q.only("name", "fifo", "contentBasedDeduplication", "create", "visibilityTimeout", "deadLetterTries", "encryption");
        String name = q.string("name", true);
        boolean fifo = q.bool("fifo", false);
        boolean cbd = q.bool("contentBasedDeduplication", false);
        if (name != null) {
            if (!QUEUE_NAME.matcher(name).matches()) {
                q.fail("name", "must be 1-80 characters of [A-Za-z0-9_-], with '.fifo' last for a FIFO queue, got '" + name + "'");
            } else if (fifo != name.endsWith(".fifo")) {
                q.fail("name", fifo ? "a FIFO queue's name must end in '.fifo'" : "ends in '.fifo' but fifo is not true");
            }
        }
        if (cbd && !fifo) {
            q.fail("contentBasedDeduplication", "only allowed when fifo: true");
        }
        Duration vis = q.duration("visibilityTimeout", Duration.ZERO, Duration.ofHours(12), Duration.ofSeconds(30));
        Integer tries = q.integer("deadLetterTries", 0, 1000, 0, false);
        String enc = q.oneOf("encryption", List.of("sse-sqs", "kms"), "sse-sqs");
        return new WorkerQueue(name, fifo, cbd, q.bool("create", false), vis, tries == null ? 0 : tries,
                "kms".equals(enc) ? WorkerQueue.Encryption.KMS : WorkerQueue.Encryption.SSE_SQS);
    }

    private PipeSubscription pipe(Obj o, SourceType type, WorkerQueue queue) {
        List<String> allowed = new ArrayList<>(List.of("name", "filters", "batchSize", "window", "inputTemplate", "fifoGroupId", "deduplicationId"));
        switch (type) {
            case KINESIS -> allowed.addAll(List.of("stream", "streamArn", "streamArnImport", "startingPosition",
                    "startingPositionTimestamp", "retries", "maxRecordAge", "parallelization", "bisectOnError", "deadLetterQueue"));
            case DYNAMODB -> allowed.addAll(List.of("table", "streamArn", "streamArnImport", "startingPosition",
                    "retries", "maxRecordAge", "parallelization", "bisectOnError", "deadLetterQueue"));
            case SQS -> allowed.addAll(List.of("queue", "queueArn", "queueArnImport"));
        }
        o.only(allowed.toArray(String[]::new));
        String name = subscriptionName(o);
        SourceRef source = switch (type) {
            case KINESIS -> sourceRef(o, type, "stream", "streamArn", "streamArnImport");
            case DYNAMODB -> sourceRef(o, type, "table", "streamArn", "streamArnImport");
            case SQS -> sourceRef(o, type, "queue", "queueArn", "queueArnImport");
        };
        List<String> filters = filters(o, type);
        // docs/aws-behaviour.md §1.3 / §0: an SQS target accepts at most 10 records per batch
        Integer batch = o.integer("batchSize", 1, 10, 10, false);
        Duration window = o.duration("window", Duration.ZERO, Duration.ofSeconds(300), Duration.ZERO);
        String start = null;
        Instant startTs = null;
        Integer retries = null;
        Duration maxAge = null;
        Integer par = null;
        boolean bisect = false;
        boolean dlq = false;
        if (type == SourceType.KINESIS || type == SourceType.DYNAMODB) {
            List<String> positions = type == SourceType.KINESIS
                    ? List.of("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP") : List.of("TRIM_HORIZON", "LATEST");
            start = o.oneOf("startingPosition", positions, null);
            if (start == null && !o.has("startingPosition")) {
                o.fail("startingPosition", "is required for a " + type.key() + " source; allowed values: " + String.join(", ", positions));
            }
            if (type == SourceType.KINESIS) {
                String ts = o.string("startingPositionTimestamp", false);
                if (ts != null) {
                    try {
                        startTs = Instant.parse(ts);
                    } catch (DateTimeParseException e) {
                        o.fail("startingPositionTimestamp", "must be an ISO-8601 instant like 2026-01-31T12:00:00Z, got '" + ts + "'");
                    }
                }
                if ("AT_TIMESTAMP".equals(start) != o.has("startingPositionTimestamp")) {
                    o.fail(o.has("startingPositionTimestamp") ? "startingPositionTimestamp" : "startingPosition",
                            "startingPositionTimestamp is required with, and only allowed with, startingPosition AT_TIMESTAMP");
                }
            }
            retries = o.integer("retries", -1, 10000, null, false);
            if (o.has("maxRecordAge")) {
                JsonNode age = o.node.get("maxRecordAge");
                if (age.isInt() && age.intValue() == -1) {
                    maxAge = Duration.ofSeconds(-1);
                } else {
                    maxAge = o.duration("maxRecordAge", Duration.ofSeconds(60), Duration.ofDays(7), null);
                }
            }
            par = o.integer("parallelization", 1, 10, null, false);
            bisect = o.bool("bisectOnError", false);
            dlq = o.bool("deadLetterQueue", false);
        }
        String template = o.string("inputTemplate", false);
        if (template != null && template.length() > 8192) {
            o.fail("inputTemplate", "is " + template.length() + " characters; at most 8192 allowed (docs/aws-behaviour.md §1.6)");
        } else if (template != null && template.trim().matches("<\\$\\.(data|body)>")) {
            // docs/aws-behaviour.md §1.6: a bare <$.data> renders JSON payloads with their quotes stripped
            o.fail("inputTemplate", "a bare " + template.trim() + " produces broken JSON for JSON payloads; wrap it, e.g. {\"data\": "
                    + template.trim() + "}");
        }
        String group = fifoField(o, "fifoGroupId", queue, true);
        String dedup = fifoField(o, "deduplicationId", queue, false);
        return new PipeSubscription(name, source, filters, batch == null ? 10 : batch, window, start, startTs,
                retries, maxAge, par, bisect, dlq, template, group, dedup);
    }

    private RuleSubscription rule(Obj o, WorkerQueue queue) {
        o.only("name", "bus", "pattern", "inputPath", "inputTransformer", "retries", "maxEventAge", "deadLetterQueue", "fifoGroupId");
        String name = subscriptionName(o);
        String bus = o.string("bus", false);
        if (bus == null) {
            bus = "default";
        } else if (!BUS_NAME.matcher(bus).matches()) {
            o.fail("bus", "must be an event bus name ([/.-_A-Za-z0-9]{1,256}) or 'default', got '" + bus + "'");
        }
        String pattern = null;
        if (!o.has("pattern")) {
            o.fail("pattern", "is required: the event pattern selecting this rule's events");
        } else {
            pattern = eventPattern(o, "pattern", o.node.get("pattern"), false, null);
        }
        String inputPath = o.string("inputPath", false);
        if (inputPath != null && (inputPath.length() > 256 || !inputPath.startsWith("$"))) {
            o.fail("inputPath", "must be a JSONPath starting with '$', at most 256 characters (docs/aws-behaviour.md §2.4)");
        }
        RuleSubscription.InputTransformer transformer = null;
        if (o.object("inputTransformer", false) instanceof Obj t) {
            if (inputPath != null) {
                o.fail("inputTransformer", "inputPath and inputTransformer are mutually exclusive (docs/aws-behaviour.md §2.4)");
            }
            t.only("inputPathsMap", "inputTemplate");
            Map<String, String> paths = new LinkedHashMap<>();
            if (t.object("inputPathsMap", false) instanceof Obj m) {
                for (Iterator<Map.Entry<String, JsonNode>> it = m.node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isTextual() || !e.getValue().asText().startsWith("$")) {
                        m.fail(e.getKey(), "must be a JSONPath string starting with '$'");
                    } else if (e.getKey().startsWith("AWS.")) {
                        m.fail(e.getKey(), "variable names must not start with 'AWS.' (reserved)");
                    } else {
                        paths.put(e.getKey(), e.getValue().asText());
                    }
                }
                if (paths.size() > 100) {
                    t.fail("inputPathsMap", "has " + paths.size() + " variables; at most 100 allowed");
                }
            }
            String template = t.string("inputTemplate", true);
            if (template != null && template.length() > 8192) {
                t.fail("inputTemplate", "is " + template.length() + " characters; at most 8192 allowed");
            }
            transformer = new RuleSubscription.InputTransformer(paths, template == null ? "" : template);
        }
        Integer retries = o.integer("retries", 0, 185, null, false);
        Duration age = o.duration("maxEventAge", Duration.ofSeconds(60), Duration.ofHours(24), null);
        boolean dlq = o.bool("deadLetterQueue", false);
        String group = fifoField(o, "fifoGroupId", queue, true);
        if (queue != null && queue.fifo() && !queue.contentBasedDeduplication()) {
            o.failSelf("a rule targeting a FIFO queue needs queue.contentBasedDeduplication: true (docs/aws-behaviour.md §2.4)");
        }
        return new RuleSubscription(name, bus, pattern, inputPath, transformer, retries, age, dlq, group);
    }

    private TopicSubscription topic(Obj o) {
        o.only("name", "topicArn", "rawMessageDelivery", "filterPolicy", "filterPolicyScope");
        String name = subscriptionName(o);
        String arn = o.string("topicArn", true);
        if (arn != null && !arn.matches("arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?")) {
            o.fail("topicArn", "must be an SNS topic ARN like arn:aws:sns:eu-west-1:123456789012:orders, got '" + arn + "'");
        }
        String policy = null;
        if (o.has("filterPolicy")) {
            JsonNode p = o.node.get("filterPolicy");
            if (!p.isObject()) {
                o.fail("filterPolicy", "must be a mapping (an SNS filter policy)");
            } else {
                policy = p.toString();
            }
        }
        String scope = o.oneOf("filterPolicyScope", List.of("MessageAttributes", "MessageBody"), null);
        if (scope != null && policy == null) {
            o.fail("filterPolicyScope", "only allowed together with filterPolicy");
        }
        return new TopicSubscription(name, arn, o.bool("rawMessageDelivery", false), policy, scope);
    }

    // ---- shared pieces ----------------------------------------------------------------------

    private String subscriptionName(Obj o) {
        String name = o.string("name", true);
        if (name == null) {
            return null;
        }
        if (!SUB_NAME.matcher(name).matches()) {
            o.fail("name", "must match [a-z0-9][a-z0-9-]{0,29} (used in resource names), got '" + name + "'");
        } else if (!names.add(name)) {
            o.fail("name", "'" + name + "' is already used by another subscription; names must be unique");
        }
        return name;
    }

    private SourceRef sourceRef(Obj o, SourceType type, String nameKey, String arnKey, String importKey) {
        String name = o.string(nameKey, false);
        String arn = o.string(arnKey, false);
        String imp = o.string(importKey, false);
        if (name == null && arn == null && imp == null) {
            o.failSelf("needs one of " + nameKey + ", " + arnKey + ", " + importKey);
        }
        if (arn != null && (name != null || imp != null)) {
            o.fail(arnKey, arnKey + " excludes " + nameKey + " and " + importKey);
        }
        if (arn != null) {
            String service = switch (type) {
                case KINESIS -> "kinesis";
                case DYNAMODB -> "dynamodb";
                case SQS -> "sqs";
            };
            if (!ARN.matcher(arn).matches() || !arn.startsWith("arn:aws:" + service + ":") && !arn.contains(":" + service + ":")) {
                o.fail(arnKey, "must be an ARN of service '" + service + "', got '" + arn + "'");
            } else if (type == SourceType.DYNAMODB && !arn.contains("/stream/")) {
                o.fail(arnKey, "must be the table's stream ARN (…:table/NAME/stream/LABEL), not the table ARN");
            }
        }
        return new SourceRef(type, name, arn, imp);
    }

    private List<String> filters(Obj o, SourceType type) {
        List<String> out = new ArrayList<>();
        if (!o.has("filters")) {
            return out;
        }
        JsonNode f = o.node.get("filters");
        if (!f.isArray()) {
            o.fail("filters", "must be a list of event patterns");
            return out;
        }
        if (f.size() > 5) {
            o.fail("filters", "has " + f.size() + " patterns; at most 5 allowed (docs/aws-behaviour.md §1.4)");
        }
        for (int i = 0; i < f.size(); i++) {
            String p = eventPattern(o, "filters/" + i, f.get(i), true, type);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** An event pattern given as a YAML mapping or a JSON string, checked by AWS's own engine. */
    private String eventPattern(Obj o, String rel, JsonNode node, boolean forPipe, SourceType type) {
        String ptr = o.ptr + "/" + rel;
        String path = o.path + "." + rel.replaceAll("/(\\d+)", "[$1]");
        JsonNode pattern = node;
        if (node.isTextual()) {
            try {
                pattern = JSON.readTree(node.asText());
            } catch (JsonProcessingException e) {
                problem(ptr, path, "is not valid JSON: " + e.getOriginalMessage());
                return null;
            }
        }
        if (!pattern.isObject()) {
            problem(ptr, path, "must be an event pattern: a mapping of field names to lists of values");
            return null;
        }
        String json = pattern.toString();
        if (json.length() > 4096) {
            problem(ptr, path, "is " + json.length() + " characters as JSON; at most 4096 allowed (docs/aws-behaviour.md §2.3)");
        }
        String error = JsonRuleCompiler.check(json);
        if (error != null) {
            problem(ptr, path, "is not a valid event pattern: " + error);
            return null;
        }
        if (forPipe) {
            for (Iterator<String> it = pattern.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                boolean ddbEventName = type == SourceType.DYNAMODB && field.equals("eventName");
                if (UNFILTERABLE.contains(field) && !ddbEventName) {
                    problem(ptr, path, "filters on '" + field + "', which Pipes adds after filtering, so it never matches (docs/aws-behaviour.md §1.4)");
                }
            }
            String unsupported = anythingButOperator(pattern);
            if (unsupported != null) {
                problem(ptr, path, "uses anything-but with '" + unsupported
                        + "', which event buses support but Pipes filters do not (docs/aws-behaviour.md §2.3)");
            }
        }
        return json;
    }

    private static String anythingButOperator(JsonNode n) {
        if (n.isObject()) {
            JsonNode ab = n.get("anything-but");
            if (ab != null && ab.isObject()) {
                for (Iterator<String> it = ab.fieldNames(); it.hasNext(); ) {
                    String op = it.next();
                    if (PIPES_UNSUPPORTED_ANYTHING_BUT.contains(op)) {
                        return op;
                    }
                }
            }
        }
        if (n.isContainerNode()) {
            for (JsonNode child : n) {
                String found = anythingButOperator(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private String fifoField(Obj o, String key, WorkerQueue queue, boolean requiredForFifo) {
        String v = o.string(key, false);
        if (queue == null) {
            return v;
        }
        if (v != null && !queue.fifo()) {
            o.fail(key, "only allowed when queue.fifo is true");
        } else if (v == null && queue.fifo() && requiredForFifo) {
            o.fail(key, "is required: the worker queue is FIFO, so every message needs a MessageGroupId"
                    + " (static text or a $.path into the event)");
        } else if (v != null && v.length() > 100) {
            o.fail(key, "is " + v.length() + " characters; at most 100 allowed");
        }
        return v;
    }

    private void problem(String pointer, String path, String message) {
        JsonLocation l = doc.locationOf(pointer);
        problems.add(new SpecProblem(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                path.startsWith(".") ? path.substring(1) : path, message));
    }

    /** A mapping in the document, with its pointer (for locations) and dotted path (for messages). */
    private final class Obj {
        final JsonNode node;
        final String ptr;
        final String path;

        Obj(JsonNode node, String ptr, String path) {
            this.node = node;
            this.ptr = ptr;
            this.path = path;
        }

        boolean has(String key) {
            return node.has(key) && !node.get(key).isNull();
        }

        void fail(String key, String message) {
            problem(ptr + "/" + key, path + "." + key, message);
        }

        void failSelf(String message) {
            problem(ptr, path.isEmpty() ? "(document)" : path, message);
        }

        void only(String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!ok.contains(k)) {
                    fail(k, "unknown field; allowed fields here: " + String.join(", ", allowed));
                }
            }
        }

        String string(String key, boolean required) {
            if (!has(key)) {
                if (required) {
                    fail(key, "is required");
                }
                return null;
            }
            JsonNode v = node.get(key);
            if (!v.isValueNode() || v.isBoolean()) {
                fail(key, "must be a string");
                return null;
            }
            return v.asText();
        }

        boolean bool(String key, boolean dflt) {
            if (!has(key)) {
                return dflt;
            }
            JsonNode v = node.get(key);
            if (!v.isBoolean()) {
                fail(key, "must be true or false, got '" + v.asText() + "'");
                return dflt;
            }
            return v.booleanValue();
        }

        Integer integer(String key, int min, int max, Integer dflt, boolean required) {
            if (!has(key)) {
                if (required) {
                    fail(key, "is required; allowed range " + min + ".." + max);
                }
                return dflt;
            }
            JsonNode v = node.get(key);
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                fail(key, "must be an integer in " + min + ".." + max + ", got '" + v.asText() + "'");
                return null;
            }
            int i = v.intValue();
            if (i < min || i > max) {
                fail(key, "is " + i + "; allowed range " + min + ".." + max + rangeReason(key));
                return null;
            }
            return i;
        }

        String oneOf(String key, List<String> allowed, String dflt) {
            if (!has(key)) {
                return dflt;
            }
            String v = node.get(key).asText();
            if (!allowed.contains(v)) {
                fail(key, "is '" + v + "'; allowed values: " + String.join(", ", allowed));
                return null;
            }
            return v;
        }

        Duration duration(String key, Duration min, Duration max, Duration dflt) {
            if (!has(key)) {
                return dflt;
            }
            String text = node.get(key).asText();
            Duration d = DurationText.parse(text);
            if (d == null) {
                fail(key, "must be a duration like 30s, 5m, 2h (or whole seconds), got '" + text + "'");
                return null;
            }
            if (d.toMillis() % 1000 != 0) {
                fail(key, "must be whole seconds (the API takes seconds), got '" + text + "'");
                return null;
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                fail(key, "is " + text + "; allowed range " + min.toSeconds() + "s.." + max.toSeconds() + "s");
                return null;
            }
            return d;
        }

        /** A nested mapping; null (and a problem if required or not a mapping) otherwise. */
        Obj object(String key, boolean required) {
            if (!has(key)) {
                if (required) {
                    fail(key, "is required");
                }
                return null;
            }
            JsonNode v = node.get(key);
            if (!v.isObject()) {
                fail(key, "must be a mapping");
                return null;
            }
            return new Obj(v, ptr + "/" + key, path + "." + key);
        }

        List<Obj> list(String key) {
            if (!has(key)) {
                return List.of();
            }
            JsonNode v = node.get(key);
            if (!v.isArray()) {
                fail(key, "must be a list");
                return List.of();
            }
            List<Obj> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                String p = ptr + "/" + key + "/" + i;
                String dotted = path + "." + key + "[" + i + "]";
                if (!v.get(i).isObject()) {
                    problem(p, dotted, "must be a mapping");
                } else {
                    out.add(new Obj(v.get(i), p, dotted));
                }
            }
            return out;
        }
    }

    private static String rangeReason(String key) {
        return key.equals("batchSize") ? " (the SQS target takes at most 10 messages per batch, docs/aws-behaviour.md §1.3)" : "";
    }
}

package io.pipekit.pipes.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE of the AWS APIs that provisioning calls besides SQS: the EventBridge Pipes REST-JSON
 * API, the EventBridge (events) JSON 1.1 API, and the IAM and SNS query/XML APIs — only the handful
 * of operations pipekit uses, on a real HTTP socket so the real AWS SDK clients talk to it. It exists
 * because the local Pipes runtime / REST facade and local bus are being built on another branch;
 * when they land, {@link ProvisionerTest} runs against them unchanged (endpoint settings only), and
 * this class can go. It mimics what provisioning depends on — asynchronous pipe states
 * (CREATING→RUNNING, UPDATING→RUNNING, DELETING→gone; docs/aws-behaviour.md §1.10), immutable
 * StartingPosition on update, URL-encoded IAM policy documents, error codes — and nothing else.
 */
final class AwsApiDouble implements AutoCloseable {

    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final URI sqsBackend;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    /** Queue attributes ElasticMQ 1.7.1 accepts but does not keep, kept here instead: queue name -> attributes. */
    final Map<String, Map<String, String>> droppedByElasticMq = new ConcurrentHashMap<>();
    static final List<String> ELASTICMQ_DROPS = List.of("Policy", "MessageRetentionPeriod");
    final Map<String, ObjectNode> pipes = new ConcurrentHashMap<>();
    /** Describe calls left before a pipe leaves its transitional state. */
    private final Map<String, AtomicInteger> transitions = new ConcurrentHashMap<>();
    final List<String> observedStates = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, ObjectNode> rules = new ConcurrentHashMap<>(); // bus/name -> rule incl. Targets, Tags
    final Map<String, Map<String, String>> roles = new ConcurrentHashMap<>(); // name -> Path, RoleName, trust
    final Map<String, Map<String, String>> rolePolicies = new ConcurrentHashMap<>();
    final Map<String, Map<String, String>> subscriptions = new ConcurrentHashMap<>(); // arn -> attributes incl. TopicArn, Endpoint
    private final AtomicInteger ids = new AtomicInteger();

    private AwsApiDouble(HttpServer server, URI sqsBackend) {
        this.server = server;
        this.sqsBackend = sqsBackend;
    }

    /**
     * @param sqsBackend ElasticMQ: SQS calls are passed through to it, adding only the two queue
     *     attributes it does not keep (Policy, MessageRetentionPeriod), so queue-policy merging can be
     *     asserted; everything else about SQS is ElasticMQ's own behaviour
     */
    static AwsApiDouble start(URI sqsBackend) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AwsApiDouble d = new AwsApiDouble(server, sqsBackend);
        server.createContext("/", d::handle);
        server.start();
        return d;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null && target.startsWith("AmazonSQS.")) {
                sqs(ex, target.substring("AmazonSQS.".length()), body);
            } else if (path.startsWith("/v1/pipes")) {
                pipes(ex, path, body);
            } else if (target != null && target.startsWith("AWSEvents.")) {
                events(ex, target.substring("AWSEvents.".length()), JSON.readTree(body.isEmpty() ? "{}" : body));
            } else {
                Map<String, String> form = form(body);
                if ("2010-05-08".equals(form.get("Version"))) {
                    iam(ex, form);
                } else {
                    sns(ex, form);
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    // ---- Pipes (REST-JSON) ---------------------------------------------------------------------

    private void pipes(HttpExchange ex, String path, String body) throws IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/v1/pipes")) {
            String prefix = query(ex).getOrDefault("NamePrefix", "");
            ArrayNode list = JSON.createArrayNode();
            pipes.values().stream().filter(p -> p.get("Name").asText().startsWith(prefix)).forEach(p -> list.add(JSON.createObjectNode()
                    .put("Name", p.get("Name").asText()).put("Arn", p.get("Arn").asText())
                    .put("CurrentState", p.get("CurrentState").asText()).put("DesiredState", p.get("DesiredState").asText())));
            json(ex, 200, JSON.createObjectNode().set("Pipes", list));
            return;
        }
        String name = URLDecoder.decode(path.substring("/v1/pipes/".length()), StandardCharsets.UTF_8);
        ObjectNode pipe = pipes.get(name);
        switch (method) {
            case "POST" -> {
                if (pipe != null) {
                    error(ex, 409, "ConflictException", "pipe " + name + " exists");
                    return;
                }
                ObjectNode p = (ObjectNode) JSON.readTree(body);
                p.put("Name", name).put("Arn", "arn:aws:pipes:" + REGION + ":" + ACCOUNT + ":pipe/" + name);
                p.put("CreationTime", 1.7e9).put("LastModifiedTime", 1.7e9);
                boolean fail = p.path("Source").asText().contains("broken");
                p.put("CurrentState", "CREATING");
                transitions.put(name, new AtomicInteger(1));
                p.put("NextState", fail ? "CREATE_FAILED" : p.path("DesiredState").asText("RUNNING"));
                pipes.put(name, p);
                json(ex, 200, summary(p));
            }
            case "GET" -> {
                if (pipe == null) {
                    error(ex, 404, "NotFoundException", "pipe " + name + " not found");
                    return;
                }
                observedStates.add(name + ":" + pipe.get("CurrentState").asText());
                AtomicInteger left = transitions.get(name);
                ObjectNode shown = pipe.deepCopy();
                shown.remove("NextState");
                if (left != null && left.getAndDecrement() <= 0) {
                    String next = pipe.path("NextState").asText();
                    transitions.remove(name);
                    if (next.equals("GONE")) {
                        pipes.remove(name);
                    } else {
                        pipe.put("CurrentState", next);
                        if (next.endsWith("_FAILED")) {
                            pipe.put("StateReason", "source stream is broken (simulated)");
                        }
                    }
                }
                json(ex, 200, shown);
            }
            case "PUT" -> {
                if (pipe == null) {
                    error(ex, 404, "NotFoundException", "pipe " + name + " not found");
                    return;
                }
                JsonNode u = JSON.readTree(body);
                for (String f : List.of("RoleArn", "Target", "DesiredState", "Description")) {
                    if (u.has(f)) {
                        pipe.set(f, u.get(f));
                    }
                }
                ObjectNode sp = pipe.with("SourceParameters");
                u.path("SourceParameters").fields().forEachRemaining(e -> {
                    // docs/aws-behaviour.md §1.10: parameter objects are replaced whole; StartingPosition cannot change
                    JsonNode old = sp.get(e.getKey());
                    ObjectNode replaced = ((ObjectNode) e.getValue()).deepCopy();
                    if (old != null) {
                        for (String keep : List.of("StartingPosition", "StartingPositionTimestamp")) {
                            if (old.has(keep)) {
                                replaced.set(keep, old.get(keep));
                            }
                        }
                    }
                    if (e.getKey().equals("FilterCriteria") && replaced.path("Filters").isEmpty()) {
                        sp.remove("FilterCriteria");
                    } else {
                        sp.set(e.getKey(), replaced);
                    }
                });
                if (u.has("TargetParameters")) {
                    ObjectNode tp = ((ObjectNode) u.get("TargetParameters")).deepCopy();
                    if (tp.path("InputTemplate").asText().isEmpty()) {
                        tp.remove("InputTemplate"); // docs/aws-behaviour.md §1.6: "" removes the template
                    }
                    pipe.set("TargetParameters", tp);
                }
                pipe.put("CurrentState", "UPDATING").put("NextState", pipe.path("DesiredState").asText("RUNNING"));
                transitions.put(name, new AtomicInteger(1));
                json(ex, 200, summary(pipe));
            }
            case "DELETE" -> {
                if (pipe == null) {
                    error(ex, 404, "NotFoundException", "pipe " + name + " not found");
                    return;
                }
                pipe.put("CurrentState", "DELETING").put("NextState", "GONE");
                transitions.put(name, new AtomicInteger(0));
                json(ex, 200, summary(pipe));
            }
            default -> error(ex, 405, "ValidationException", method);
        }
    }

    private static ObjectNode summary(ObjectNode p) {
        return JSON.createObjectNode().put("Name", p.get("Name").asText()).put("Arn", p.get("Arn").asText())
                .put("CurrentState", p.get("CurrentState").asText()).put("DesiredState", p.path("DesiredState").asText("RUNNING"));
    }

    // ---- SQS: ElasticMQ plus the attributes it drops ----------------------------------------------

    private void sqs(HttpExchange ex, String op, String body) throws IOException {
        ObjectNode req = (ObjectNode) JSON.readTree(body.isEmpty() ? "{}" : body);
        String queue = req.has("QueueUrl") ? req.get("QueueUrl").asText().replaceAll(".*/", "") : req.path("QueueName").asText();
        Map<String, String> kept = new LinkedHashMap<>();
        if ((op.equals("CreateQueue") || op.equals("SetQueueAttributes")) && req.get("Attributes") instanceof ObjectNode attrs) {
            for (String a : ELASTICMQ_DROPS) {
                if (attrs.has(a)) {
                    kept.put(a, attrs.remove(a).asText());
                }
            }
            if (op.equals("SetQueueAttributes") && attrs.isEmpty() && !kept.isEmpty()) {
                store(queue, kept);
                json(ex, 200, JSON.createObjectNode());
                return;
            }
        }
        java.net.http.HttpResponse<String> res;
        try {
            res = http.send(java.net.http.HttpRequest.newBuilder(sqsBackend.resolve("/"))
                    .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"))
                    .header("X-Amz-Target", "AmazonSQS." + op)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(req.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = res.body();
        if (res.statusCode() == 200) {
            switch (op) {
                case "CreateQueue", "SetQueueAttributes" -> store(queue, kept);
                case "DeleteQueue" -> droppedByElasticMq.remove(queue);
                case "GetQueueAttributes" -> {
                    ObjectNode r = (ObjectNode) JSON.readTree(out);
                    List<String> asked = new ArrayList<>();
                    req.path("AttributeNames").forEach(n -> asked.add(n.asText()));
                    droppedByElasticMq.getOrDefault(queue, Map.of()).forEach((k, v) -> {
                        if (asked.contains("All") || asked.contains(k)) {
                            r.with("Attributes").put(k, v);
                        }
                    });
                    out = r.toString();
                }
                default -> { }
            }
        }
        res.headers().firstValue("Content-Type").ifPresent(ct -> ex.getResponseHeaders().set("Content-Type", ct));
        res.headers().firstValue("x-amzn-query-error").ifPresent(q -> ex.getResponseHeaders().set("x-amzn-query-error", q));
        send(ex, res.statusCode(), out);
    }

    private void store(String queue, Map<String, String> kept) {
        Map<String, String> m = droppedByElasticMq.computeIfAbsent(queue, q -> new ConcurrentHashMap<>());
        kept.forEach((k, v) -> {
            if (v.isEmpty()) {
                m.remove(k);
            } else {
                m.put(k, v);
            }
        });
    }

    // ---- EventBridge (JSON 1.1) ------------------------------------------------------------------

    private void events(HttpExchange ex, String op, JsonNode req) throws IOException {
        String bus = req.path("EventBusName").asText("default");
        String key = bus + "/" + req.path(op.equals("PutRule") || op.equals("DescribeRule") || op.equals("DeleteRule") ? "Name" : "Rule").asText();
        ObjectNode rule = rules.get(key);
        ObjectNode out = JSON.createObjectNode();
        switch (op) {
            case "PutRule" -> {
                if (rule == null) {
                    rule = JSON.createObjectNode();
                    rule.set("Targets", JSON.createArrayNode());
                    rule.set("Tags", req.path("Tags").isMissingNode() ? JSON.createArrayNode() : req.get("Tags"));
                    rules.put(key, rule);
                }
                String name = req.get("Name").asText();
                String arn = "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + (bus.equals("default") ? "" : bus + "/") + name;
                rule.put("Name", name).put("Arn", arn).put("EventBusName", bus)
                        .put("EventPattern", req.path("EventPattern").asText()).put("State", req.path("State").asText("ENABLED"));
                out.put("RuleArn", arn);
            }
            case "DescribeRule" -> {
                if (rule == null) {
                    error(ex, 400, "ResourceNotFoundException", "Rule " + key + " does not exist.");
                    return;
                }
                out = rule.deepCopy();
                out.remove(List.of("Targets", "Tags"));
            }
            case "ListRules" -> {
                ArrayNode list = out.putArray("Rules");
                rules.values().stream().filter(r -> r.get("EventBusName").asText().equals(bus)
                        && r.get("Name").asText().startsWith(req.path("NamePrefix").asText(""))).forEach(r -> {
                            ObjectNode s = r.deepCopy();
                            s.remove(List.of("Targets", "Tags"));
                            list.add(s);
                        });
            }
            case "PutTargets", "RemoveTargets", "ListTargetsByRule" -> {
                if (rule == null) {
                    error(ex, 400, "ResourceNotFoundException", "Rule " + key + " does not exist.");
                    return;
                }
                ArrayNode targets = (ArrayNode) rule.get("Targets");
                if (op.equals("ListTargetsByRule")) {
                    out.set("Targets", targets);
                } else {
                    List<String> ids = new ArrayList<>();
                    (op.equals("PutTargets") ? req.get("Targets") : req.get("Ids")).forEach(t -> ids.add(op.equals("PutTargets") ? t.get("Id").asText() : t.asText()));
                    for (Iterator<JsonNode> it = targets.iterator(); it.hasNext(); ) {
                        if (ids.contains(it.next().get("Id").asText())) {
                            it.remove();
                        }
                    }
                    if (op.equals("PutTargets")) {
                        req.get("Targets").forEach(targets::add);
                    }
                    out.put("FailedEntryCount", 0).putArray("FailedEntries");
                }
            }
            case "DeleteRule" -> {
                if (rule != null && !rule.get("Targets").isEmpty()) {
                    error(ex, 400, "ValidationException", "Rule can't be deleted since it has targets.");
                    return;
                }
                rules.remove(key);
            }
            case "ListTagsForResource" -> {
                String arn = req.get("ResourceARN").asText();
                out.set("Tags", rules.values().stream().filter(r -> r.get("Arn").asText().equals(arn)).findFirst()
                        .map(r -> r.get("Tags")).orElse(JSON.createArrayNode()));
            }
            case "ListEventBuses" -> {
                ArrayNode buses = out.putArray("EventBuses");
                buses.addObject().put("Name", "default").put("Arn", "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/default");
                rules.values().stream().map(r -> r.get("EventBusName").asText()).distinct().filter(b -> !b.equals("default"))
                        .forEach(b -> buses.addObject().put("Name", b).put("Arn", "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/" + b));
            }
            default -> {
                error(ex, 400, "UnknownOperationException", op);
                return;
            }
        }
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        send(ex, 200, out.toString());
    }

    // ---- IAM (query/XML) -------------------------------------------------------------------------

    private void iam(HttpExchange ex, Map<String, String> f) throws IOException {
        String action = f.get("Action");
        String name = f.get("RoleName");
        Map<String, String> role = name == null ? null : roles.get(name);
        if (role == null && name != null && !action.equals("CreateRole")) {
            xmlError(ex, 404, "NoSuchEntity", "The role with name " + name + " cannot be found.");
            return;
        }
        String result = "";
        switch (action) {
            case "CreateRole" -> {
                if (role != null) {
                    xmlError(ex, 409, "EntityAlreadyExists", "Role with name " + name + " already exists.");
                    return;
                }
                role = new LinkedHashMap<>(Map.of("RoleName", name, "Path", f.getOrDefault("Path", "/"),
                        "AssumeRolePolicyDocument", f.get("AssumeRolePolicyDocument")));
                roles.put(name, role);
                rolePolicies.put(name, new ConcurrentHashMap<>());
                result = roleXml(role);
            }
            case "GetRole" -> result = roleXml(role);
            case "ListRoles" -> {
                StringBuilder sb = new StringBuilder("<Roles>");
                roles.values().stream().filter(r -> r.get("Path").startsWith(f.getOrDefault("PathPrefix", "/")))
                        .forEach(r -> sb.append("<member>").append(roleFields(r)).append("</member>"));
                result = sb.append("</Roles><IsTruncated>false</IsTruncated>").toString();
            }
            case "UpdateAssumeRolePolicy" -> role.put("AssumeRolePolicyDocument", f.get("PolicyDocument"));
            case "PutRolePolicy" -> rolePolicies.get(name).put(f.get("PolicyName"), f.get("PolicyDocument"));
            case "GetRolePolicy" -> {
                String doc = rolePolicies.get(name).get(f.get("PolicyName"));
                if (doc == null) {
                    xmlError(ex, 404, "NoSuchEntity", "The role policy with name " + f.get("PolicyName") + " cannot be found.");
                    return;
                }
                result = "<RoleName>" + name + "</RoleName><PolicyName>" + f.get("PolicyName") + "</PolicyName><PolicyDocument>"
                        + escape(URLEncoder.encode(doc, StandardCharsets.UTF_8).replace("+", "%20")) + "</PolicyDocument>";
            }
            case "ListRolePolicies" -> {
                StringBuilder sb = new StringBuilder("<PolicyNames>");
                rolePolicies.get(name).keySet().forEach(p -> sb.append("<member>").append(p).append("</member>"));
                result = sb.append("</PolicyNames><IsTruncated>false</IsTruncated>").toString();
            }
            case "DeleteRolePolicy" -> rolePolicies.get(name).remove(f.get("PolicyName"));
            case "DeleteRole" -> {
                if (!rolePolicies.get(name).isEmpty()) {
                    xmlError(ex, 409, "DeleteConflict", "Cannot delete entity, must delete policies first.");
                    return;
                }
                roles.remove(name);
                rolePolicies.remove(name);
            }
            default -> {
                xmlError(ex, 400, "InvalidAction", action);
                return;
            }
        }
        xml(ex, action, result, "https://iam.amazonaws.com/doc/2010-05-08/");
    }

    private String roleXml(Map<String, String> r) {
        return "<Role>" + roleFields(r) + "</Role>";
    }

    private String roleFields(Map<String, String> r) {
        return "<Path>" + r.get("Path") + "</Path><RoleName>" + r.get("RoleName") + "</RoleName><RoleId>AROA" + r.get("RoleName").hashCode()
                + "</RoleId><Arn>arn:aws:iam::" + ACCOUNT + ":role" + r.get("Path") + r.get("RoleName") + "</Arn>"
                + "<CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>"
                // IAM returns policy documents URL-encoded
                + escape(URLEncoder.encode(r.get("AssumeRolePolicyDocument"), StandardCharsets.UTF_8).replace("+", "%20"))
                + "</AssumeRolePolicyDocument>";
    }

    // ---- SNS (query/XML) -------------------------------------------------------------------------

    private void sns(HttpExchange ex, Map<String, String> f) throws IOException {
        String action = f.get("Action");
        String result = "";
        switch (action) {
            case "Subscribe" -> {
                String arn = f.get("TopicArn") + ":" + ids.incrementAndGet();
                Map<String, String> s = new ConcurrentHashMap<>(Map.of("TopicArn", f.get("TopicArn"), "Protocol", f.get("Protocol"),
                        "Endpoint", f.get("Endpoint"), "SubscriptionArn", arn, "RawMessageDelivery", "false"));
                for (int i = 1; f.containsKey("Attributes.entry." + i + ".key"); i++) {
                    s.put(f.get("Attributes.entry." + i + ".key"), f.get("Attributes.entry." + i + ".value"));
                }
                subscriptions.put(arn, s);
                result = "<SubscriptionArn>" + arn + "</SubscriptionArn>";
            }
            case "ListSubscriptionsByTopic" -> {
                StringBuilder sb = new StringBuilder("<Subscriptions>");
                subscriptions.values().stream().filter(s -> s.get("TopicArn").equals(f.get("TopicArn"))).forEach(s -> sb.append("<member>")
                        .append("<SubscriptionArn>").append(s.get("SubscriptionArn")).append("</SubscriptionArn><Owner>").append(ACCOUNT)
                        .append("</Owner><Protocol>").append(s.get("Protocol")).append("</Protocol><Endpoint>").append(s.get("Endpoint"))
                        .append("</Endpoint><TopicArn>").append(s.get("TopicArn")).append("</TopicArn></member>"));
                result = sb.append("</Subscriptions>").toString();
            }
            case "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Unsubscribe" -> {
                Map<String, String> s = subscriptions.get(f.get("SubscriptionArn"));
                if (s == null) {
                    xmlError(ex, 404, "NotFound", "Subscription does not exist");
                    return;
                }
                if (action.equals("Unsubscribe")) {
                    subscriptions.remove(f.get("SubscriptionArn"));
                } else if (action.equals("SetSubscriptionAttributes")) {
                    s.put(f.get("AttributeName"), f.get("AttributeValue"));
                } else {
                    StringBuilder sb = new StringBuilder("<Attributes>");
                    s.forEach((k, v) -> sb.append("<entry><key>").append(k).append("</key><value>").append(escape(v)).append("</value></entry>"));
                    result = sb.append("</Attributes>").toString();
                }
            }
            default -> {
                xmlError(ex, 400, "InvalidAction", action);
                return;
            }
        }
        xml(ex, action, result, "http://sns.amazonaws.com/doc/2010-03-31/");
    }

    // ---- plumbing --------------------------------------------------------------------------------

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return q == null ? Map.of() : form(q);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void xml(HttpExchange ex, String action, String result, String ns) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/xml");
        send(ex, 200, "<" + action + "Response xmlns=\"" + ns + "\"><" + action + "Result>" + result + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></" + action + "Response>");
    }

    private static void xmlError(HttpExchange ex, int status, String code, String message) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/xml");
        send(ex, status, "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + escape(message)
                + "</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>");
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(ex, status, body.toString());
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ex.getResponseHeaders().set("x-amzn-ErrorType", type);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        send(ex, status, JSON.createObjectNode().put("__type", type).put("message", message).toString());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }
}

package io.pipekit.pipes.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pipekit.pipes.spec.SpecLoader;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RenderedTemplatesTest {

    static final Path COPILOT = Path.of("..", "..", "copilot");
    static final SubscriptionSpec SAMPLE = SpecLoader.load(COPILOT.resolve("subscriptions.yml"));
    static final YAMLMapper YAML = new YAMLMapper();
    static final Map<String, String> COPILOT_PARAMS = Map.of(
            "App", "shop", "Env", "test", "Name", "ingest-worker",
            "EventsQueueArn", "arn:aws:sqs:eu-west-1:123456789012:shop-test-ingest-worker-EventsQueue-AbC",
            "EventsKMSKeyArn", "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-1111-2222-333344445555");
    static final Map<String, String> STANDALONE_PARAMS = Map.of("Prefix", "pipekit-demo", "ExistingClusterName", "");

    /** The four resource types whose registry schemas ship as test data. */
    static final Map<String, String> SCHEMAS = Map.of(
            "AWS::Pipes::Pipe", "aws-pipes-pipe.json",
            "AWS::Events::Rule", "aws-events-rule.json",
            "AWS::IAM::Role", "aws-iam-role.json",
            "AWS::SQS::Queue", "aws-sqs-queue.json");

    @Test
    void checkedInCopilotFilesAreUpToDateWithTheSpec() throws IOException {
        Map<String, String> rendered = CloudFormationRenderer.copilot(SAMPLE, "ingest-worker");

        assertThat(rendered).containsOnlyKeys(
                "ingest-worker/addons/addons.parameters.yml", "ingest-worker/addons/pipes.yml",
                "ingest-worker/addons/rules.yml", "ingest-worker/overrides/cfn.patches.yml");
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            assertThat(Files.readString(COPILOT.resolve(e.getKey())))
                    .as("%s is stale: run `pipekit render copilot/subscriptions.yml --standalone copilot/standalone/pipekit-stack.yml`", e.getKey())
                    .isEqualTo(e.getValue());
        }
        assertThat(Files.readString(COPILOT.resolve("standalone/pipekit-stack.yml")))
                .as("copilot/standalone/pipekit-stack.yml is stale: run render")
                .isEqualTo(CloudFormationRenderer.standalone(SAMPLE));
    }

    @Test
    void everyRenderedResourceMatchesItsCloudFormationSchema() throws IOException {
        Map<String, JsonSchema> schemas = schemas();
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, JsonNode> t : templates().entrySet()) {
            Intrinsics intrinsics = new Intrinsics(t.getValue(), t.getKey().contains("standalone") ? STANDALONE_PARAMS : COPILOT_PARAMS);
            for (Iterator<Map.Entry<String, JsonNode>> it = t.getValue().path("Resources").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                JsonSchema schema = schemas.get(r.getValue().path("Type").asText());
                if (schema == null) {
                    continue;
                }
                checked++;
                for (ValidationMessage m : schema.validate(intrinsics.resolve(r.getValue().path("Properties")))) {
                    errors.add(t.getKey() + " " + r.getKey() + ": " + m.getMessage());
                }
            }
        }
        assertThat(errors).isEmpty();
        // 3 pipes x (pipe, role) + 2 pipe DLQs + 2 rules + 1 rule DLQ, in the addons and in the standalone stack
        // (+ worker queue and its DLQ, execution and task role)
        assertThat(checked).isEqualTo(2 * (3 * 2 + 2 + 2 + 1) + 2 + 2);
    }

    @Test
    void fifoQueueCustomBusAndLiteralArnsAlsoRenderSchemaValid() throws IOException {
        SubscriptionSpec fifo = SpecLoader.parse("""
                version: 1
                name: fifo
                queue: {name: orders.fifo, fifo: true, contentBasedDeduplication: true, create: true, deadLetterTries: 3, encryption: kms}
                subscriptions:
                  kinesis:
                    - name: replay
                      streamArn: arn:aws:kinesis:eu-west-1:123456789012:stream/orders
                      startingPosition: AT_TIMESTAMP
                      startingPositionTimestamp: 2026-01-31T12:00:00Z
                      parallelization: 2
                      fifoGroupId: $.partitionKey
                      deduplicationId: $.eventID
                  sqs:
                    - name: jobs
                      queueArn: arn:aws:sqs:eu-west-1:123456789012:jobs
                      fifoGroupId: jobs
                  rules:
                    - name: shipped
                      bus: logistics
                      pattern: {source: [warehouse]}
                      inputPath: $.detail
                      fifoGroupId: shipments
                """, "fifo.yml");
        Map<String, JsonSchema> schemas = schemas();
        List<String> errors = new ArrayList<>();
        JsonNode standalone = YAML.readTree(CloudFormationRenderer.standalone(fifo));
        Map<String, JsonNode> templates = new HashMap<>(Map.of("standalone", standalone));
        for (Map.Entry<String, String> f : CloudFormationRenderer.copilot(fifo, "w").entrySet()) {
            if (!f.getKey().endsWith("parameters.yml") && !f.getKey().contains("overrides")) {
                templates.put(f.getKey(), YAML.readTree(f.getValue()));
            }
        }
        for (Map.Entry<String, JsonNode> t : templates.entrySet()) {
            Intrinsics in = new Intrinsics(t.getValue(), t.getKey().equals("standalone") ? Map.of("Prefix", "pipekit-fifo", "ExistingClusterName", "") : COPILOT_PARAMS);
            t.getValue().path("Resources").fields().forEachRemaining(r -> {
                JsonSchema schema = schemas.get(r.getValue().path("Type").asText());
                if (schema != null) {
                    schema.validate(in.resolve(r.getValue().path("Properties"))).forEach(m -> errors.add(t.getKey() + " " + r.getKey() + ": " + m.getMessage()));
                }
            });
        }
        assertThat(errors).isEmpty();
        JsonNode replay = standalone.path("Resources").path("ReplayPipe").path("Properties");
        assertThat(replay.path("SourceParameters").path("KinesisStreamParameters").path("StartingPositionTimestamp").asText()).isEqualTo("2026-01-31T12:00:00Z");
        assertThat(replay.path("TargetParameters").path("SqsQueueParameters").path("MessageGroupId").asText()).isEqualTo("$.partitionKey");
        assertThat(standalone.path("Resources").path("ShippedRule").path("Properties").path("Targets").get(0).path("SqsParameters").path("MessageGroupId").asText())
                .isEqualTo("shipments");
        assertThat(standalone.path("Resources").path("WorkerQueue").path("Properties").path("FifoQueue").asBoolean()).isTrue();
        assertThat(standalone.path("Resources").path("WorkerDLQ").path("Properties").path("FifoQueue").asBoolean()).isTrue();
        assertThat(standalone.path("Resources").path("WorkerQueuePolicy").path("Properties").path("PolicyDocument").path("Statement").get(0)
                .path("Condition").path("ArnEquals").path("aws:SourceArn").path("Fn::Sub").asText()).endsWith(":rule/logistics/${Prefix}-shipped");
    }

    @Test
    void schemaCheckRejectsABatchTheSchemaForbids() throws IOException {
        // proves the schemas bite: a BatchSize above the API maximum and an unknown property
        JsonNode pipe = YAML.readTree(CloudFormationRenderer.standalone(SAMPLE)).path("Resources").path("OrdersPipe").path("Properties").deepCopy();
        ((ObjectNode) pipe.path("SourceParameters").path("KinesisStreamParameters")).put("BatchSize", 10001);
        ((ObjectNode) pipe).put("Sourcee", "typo");
        JsonNode resolved = new Intrinsics(YAML.readTree(CloudFormationRenderer.standalone(SAMPLE)), STANDALONE_PARAMS).resolve(pipe);

        Set<ValidationMessage> errors = schemas().get("AWS::Pipes::Pipe").validate(resolved);

        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("BatchSize"))
                .anySatisfy(m -> assertThat(m).contains("Sourcee"));
    }

    @Test
    void noWildcardResourceExceptInKeyPolicies() throws IOException {
        for (Map.Entry<String, JsonNode> t : templates().entrySet()) {
            // a key policy statement's Resource "*" means "this key": AWS requires it there
            assertThat(wildcardResources(t.getValue(), "")).as(t.getKey()).allSatisfy(p -> assertThat(p).contains("/KeyPolicy/"));
        }
        JsonNode patches = YAML.readTree(COPILOT.resolve("ingest-worker/overrides/cfn.patches.yml").toFile());
        for (JsonNode op : patches) {
            if (!wildcardResources(op.get("value"), "").isEmpty()) {
                // a key policy statement's Resource "*" means "this key": AWS requires it there
                assertThat(op.get("path").asText()).startsWith("/Resources/EventsKMSKey/Properties/KeyPolicy/");
            }
        }
    }

    @Test
    void everyPipeIntoTheSqsWorkerQueueBatchesAtMostTen() throws IOException {
        int pipes = 0;
        for (JsonNode t : templates().values()) {
            for (JsonNode r : t.path("Resources")) {
                if (r.path("Type").asText().equals("AWS::Pipes::Pipe")) {
                    pipes++;
                    JsonNode sp = r.path("Properties").path("SourceParameters");
                    List<Integer> batches = new ArrayList<>();
                    sp.fields().forEachRemaining(e -> {
                        if (e.getValue().has("BatchSize")) {
                            batches.add(e.getValue().get("BatchSize").asInt());
                        }
                    });
                    // docs/aws-behaviour.md §1.3: the SQS target takes at most 10 per batch; an unset size means the source default (100)
                    assertThat(batches).singleElement().satisfies(b -> assertThat(b).isBetween(1, 10));
                }
            }
        }
        assertThat(pipes).isEqualTo(6);
    }

    @Test
    void everyRuleHasAQueuePolicyStatementAndTheKeyPatch() throws IOException {
        JsonNode rulesAddon = YAML.readTree(COPILOT.resolve("ingest-worker/addons/rules.yml").toFile());
        JsonNode patches = YAML.readTree(COPILOT.resolve("ingest-worker/overrides/cfn.patches.yml").toFile());
        List<String> ruleNames = new ArrayList<>();
        rulesAddon.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Events::Rule")) {
                String sub = r.path("Properties").path("Name").path("Fn::Sub").asText();
                ruleNames.add(sub.replace("${App}-${Env}-${Name}-", ""));
            }
        });
        assertThat(ruleNames).containsExactly("order-created", "s3-object-created");
        for (String rule : ruleNames) {
            assertThat(patches).as("queue policy statement for rule %s", rule).anySatisfy(op -> {
                assertThat(op.path("op").asText()).isEqualTo("add");
                assertThat(op.path("path").asText()).isEqualTo("/Resources/QueuePolicy/Properties/PolicyDocument/Statement/-");
                assertThat(op.path("value").path("Principal").path("Service").asText()).isEqualTo("events.amazonaws.com");
                assertThat(op.path("value").path("Resource").path("Fn::GetAtt").get(0).asText()).isEqualTo("EventsQueue");
                assertThat(op.path("value").path("Condition").path("ArnEquals").path("aws:SourceArn").path("Fn::Sub").asText())
                        .endsWith(":rule/${AppName}-${EnvName}-${WorkloadName}-" + rule);
            });
        }
        assertThat(patches).filteredOn(op -> op.path("path").asText().equals("/Resources/EventsKMSKey/Properties/KeyPolicy/Statement/-"))
                .extracting(op -> op.path("value").path("Principal").path("Service").asText())
                .containsExactly("events.amazonaws.com", "sns.amazonaws.com");
        assertThat(patches).filteredOn(op -> op.path("path").asText().equals("/Resources/EventsKMSKey/Properties/KeyPolicy/Statement/-"))
                .allSatisfy(op -> assertThat(op.path("value").path("Action")).extracting(JsonNode::asText)
                        .containsExactlyInAnyOrder("kms:GenerateDataKey", "kms:Decrypt"));
        // never a second policy for Copilot's queue (docs/aws-behaviour.md §6.3): any queue policy in an addon is for the addon's own queues
        for (JsonNode t : copilotTemplates().values()) {
            for (JsonNode r : t.path("Resources")) {
                if (r.path("Type").asText().equals("AWS::SQS::QueuePolicy")) {
                    for (JsonNode q : r.path("Properties").path("Queues")) {
                        assertThat(t.path("Resources").has(q.path("Ref").asText())).as("queue policy targets an addon queue").isTrue();
                    }
                }
            }
        }
        // standalone: one queue policy for the worker queue, with one statement per rule
        JsonNode standalone = YAML.readTree(COPILOT.resolve("standalone/pipekit-stack.yml").toFile());
        JsonNode statements = standalone.path("Resources").path("WorkerQueuePolicy").path("Properties").path("PolicyDocument").path("Statement");
        for (String rule : ruleNames) {
            assertThat(statements).anySatisfy(s -> assertThat(s.path("Condition").path("ArnEquals").path("aws:SourceArn").path("Fn::Sub").asText())
                    .endsWith(":rule/${Prefix}-" + rule));
        }
    }

    @Test
    void pipeRolesAreLeastPrivilegeWithTheQueueKey() throws IOException {
        JsonNode pipes = YAML.readTree(COPILOT.resolve("ingest-worker/addons/pipes.yml").toFile());
        JsonNode statements = pipes.path("Resources").path("PaymentsPipeRole").path("Properties").path("Policies").get(0)
                .path("PolicyDocument").path("Statement");

        assertThat(statements).extracting(s -> s.path("Sid").asText()).containsExactly("ReadSource", "SendToWorkerQueue", "UseQueueKey");
        assertThat(statements.get(0).path("Action")).extracting(JsonNode::asText).allSatisfy(a -> assertThat(a).startsWith("dynamodb:"));
        assertThat(statements.get(0).path("Resource").path("Fn::ImportValue").asText()).isEqualTo("pipekit-demo-payments-stream-arn");
        assertThat(statements.get(2).path("Resource").path("Ref").asText()).isEqualTo("EventsKMSKeyArn");
        // the worker's grants: exactly what it calls (no GetQueueAttributes, no send), task protection on its cluster's tasks
        JsonNode standalone = YAML.readTree(COPILOT.resolve("standalone/pipekit-stack.yml").toFile());
        JsonNode taskRole = standalone.path("Resources").path("TaskRole").path("Properties").path("Policies").get(0).path("PolicyDocument").path("Statement");
        assertThat(taskRole).flatExtracting(s -> s.path("Action").isArray() ? List.copyOf(YAML.convertValue(s.path("Action"), List.class)) : List.of(s.path("Action").asText()))
                .containsExactly("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "kms:Decrypt",
                        "ecs:GetTaskProtection", "ecs:UpdateTaskProtection");
        assertThat(taskRole.get(2).path("Resource").path("Fn::Sub").get(0).asText()).endsWith(":task/${Cluster}/*");
        JsonNode patches = YAML.readTree(COPILOT.resolve("ingest-worker/overrides/cfn.patches.yml").toFile());
        assertThat(patches).anySatisfy(op -> {
            assertThat(op.path("path").asText()).isEqualTo("/Resources/QueuePolicy/Properties/PolicyDocument/Statement/-");
            assertThat(op.path("value").path("Principal").path("AWS").path("Fn::GetAtt").get(0).asText()).isEqualTo("TaskRole");
            assertThat(op.path("value").path("Action").toString()).contains("sqs:ChangeMessageVisibility");
        });
        assertThat(patches).anySatisfy(op -> assertThat(op.path("path").asText()).isEqualTo("/Resources/TaskRole/Properties/Policies/-"));
    }

    private static List<String> wildcardResources(JsonNode n, String path) {
        List<String> out = new ArrayList<>();
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (e.getKey().equals("Resource") && (e.getValue().asText().equals("*")
                        || e.getValue().isArray() && Stream.of(e.getValue()).anyMatch(a -> a.toString().contains("\"*\"")))) {
                    out.add(path + "/Resource");
                }
                out.addAll(wildcardResources(e.getValue(), path + "/" + e.getKey()));
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                out.addAll(wildcardResources(n.get(i), path + "/" + i));
            }
        }
        return out;
    }

    private static Map<String, JsonNode> copilotTemplates() throws IOException {
        Map<String, JsonNode> out = new HashMap<>();
        for (String f : List.of("pipes.yml", "rules.yml")) {
            out.put("addons/" + f, YAML.readTree(COPILOT.resolve("ingest-worker/addons/" + f).toFile()));
        }
        return out;
    }

    private static Map<String, JsonNode> templates() throws IOException {
        Map<String, JsonNode> out = copilotTemplates();
        out.put("standalone/pipekit-stack.yml", YAML.readTree(COPILOT.resolve("standalone/pipekit-stack.yml").toFile()));
        return out;
    }

    static Map<String, JsonSchema> schemas() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        Map<String, JsonSchema> out = new HashMap<>();
        for (Map.Entry<String, String> e : SCHEMAS.entrySet()) {
            try (InputStream in = RenderedTemplatesTest.class.getResourceAsStream("/cfn-schemas/" + e.getValue())) {
                ObjectNode schema = (ObjectNode) new ObjectMapper().readTree(in);
                // the provider meta-schema is not a JSON-Schema dialect the validator can fetch offline;
                // the resource schemas themselves are draft-07 compatible
                schema.remove("$schema");
                out.put(e.getKey(), factory.getSchema(schema));
            }
        }
        return out;
    }
}

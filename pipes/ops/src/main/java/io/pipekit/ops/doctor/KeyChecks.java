package io.pipekit.ops.doctor;

import io.pipekit.ops.OpsClients;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.model.KeyManagerType;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

/**
 * KMS keys of encrypted queues: EventBridge (and SNS) can write into an SSE-KMS queue only if the key
 * policy admits the service principal for {@code kms:GenerateDataKey} and {@code kms:Decrypt}, and the
 * AWS-managed {@code alias/aws/sqs} key's policy cannot be edited (docs/aws-behaviour.md §2.4, §6.3).
 * Pipes need only their role's identity grants, checked with the role.
 */
final class KeyChecks {

    static final String AWS_MANAGED_SQS_ALIAS = "alias/aws/sqs";
    static final List<String> SERVICE_ACTIONS = List.of("kms:GenerateDataKey", "kms:Decrypt");

    private final OpsClients aws;
    private final Findings out;
    private final Map<String, KeyMetadata> described = new HashMap<>();

    KeyChecks(OpsClients aws, Findings out) {
        this.aws = aws;
        this.out = out;
    }

    /** Whether {@code service} (e.g. events.amazonaws.com) may use the key of {@code queue} on behalf of {@code sourceArn}. */
    void serviceMayUse(QueueFacts queue, String service, String sourceArn) {
        String key = queue.kmsKey();
        if (key == null) {
            return;
        }
        if (key.equals(AWS_MANAGED_SQS_ALIAS) || key.endsWith(":" + AWS_MANAGED_SQS_ALIAS)) {
            awsManaged(queue, service, sourceArn);
            return;
        }
        if (aws.kms() == null) {
            out.add(Finding.note("kms-key-policy", key, "not checked: no KMS endpoint (an emulator without KMS)", "run doctor against AWS"));
            return;
        }
        KeyMetadata meta = describe(key, "kms-key-policy");
        if (meta == null) {
            return;
        }
        if (meta.keyManager() == KeyManagerType.AWS) {
            awsManaged(queue, service, sourceArn);
            return;
        }
        String policy = Aws.read(out, "kms-key-policy", meta.arn(), "kms:GetKeyPolicy",
                () -> aws.kms().getKeyPolicy(b -> b.keyId(meta.keyId()).policyName("default")).policy());
        if (policy == null) {
            return;
        }
        PolicyDocument doc = PolicyDocument.parse(policy);
        Map<String, String> context = Map.of("aws:SourceArn", sourceArn, "aws:SourceAccount", account(sourceArn));
        List<String> missing = SERVICE_ACTIONS.stream()
                .filter(a -> !doc.allows(new PolicyDocument.Request("Service:" + service, a, meta.arn(), context))).toList();
        if (!missing.isEmpty()) {
            out.add(Finding.error("kms-key-policy", meta.arn(),
                    sourceArn + " cannot write into " + queue.name() + ": the key policy does not allow " + service + " " + String.join(", ", missing)
                            + "; every delivery fails and is dropped (only the rule's FailedInvocations metric moves)",
                    "add to the key policy: {\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + service
                            + "\"},\"Action\":[\"kms:GenerateDataKey\",\"kms:Decrypt\"],\"Resource\":\"*\"} (Copilot: `pipekit render` writes it into overrides/cfn.patches.yml)"));
        }
    }

    /** The key's ARN for identity-policy checks, or null when it cannot be resolved. */
    String arn(String key) {
        if (key == null) {
            return null;
        }
        if (key.startsWith("arn:") && key.contains(":key/")) {
            return key;
        }
        if (aws.kms() == null) {
            return null;
        }
        KeyMetadata meta = describe(key, "kms-key");
        return meta == null ? null : meta.arn();
    }

    private KeyMetadata describe(String key, String check) {
        if (described.containsKey(key)) {
            return described.get(key);
        }
        KeyMetadata meta;
        try {
            meta = Aws.read(out, check, key, "kms:DescribeKey", () -> aws.kms().describeKey(b -> b.keyId(key)).keyMetadata());
        } catch (SdkException e) {
            if (!Aws.notFound(e)) {
                throw e;
            }
            out.add(Finding.error("kms-key-missing", key, "the queue's KMS key does not exist: nothing can be sent to or received from the queue",
                    "point KmsMasterKeyId at an existing key, or use SSE-SQS"));
            meta = null;
        }
        described.put(key, meta);
        return meta;
    }

    private void awsManaged(QueueFacts queue, String service, String sourceArn) {
        out.add(Finding.error("kms-aws-managed", queue.url(),
                sourceArn + " cannot write into " + queue.name() + ": it is encrypted with the AWS-managed key alias/aws/sqs, whose key policy cannot admit "
                        + service + "; every delivery fails and is dropped",
                "encrypt the queue with SSE-SQS (SqsManagedSseEnabled=true) or a customer-managed key whose policy allows " + service
                        + " kms:GenerateDataKey and kms:Decrypt"));
    }

    static String account(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 4 ? parts[4] : "";
    }
}

package io.pipekit.pipes.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.pipes.model.Pipe;
import io.pipekit.pipes.model.Statement;
import io.pipekit.pipes.spec.PipeSubscription;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/** One least-privilege role per pipe (docs/aws-behaviour.md §1.11), under the IAM path {@code /pipekit/<spec>/}. */
final class RoleReconciler {

    static final String POLICY_NAME = "pipe";

    private RoleReconciler() {}

    static void plan(Context ctx, boolean destroy, List<Step> creates, List<Step> deletes) {
        IamClient iam = ctx.clients.iam();
        if (iam == null) {
            if (!destroy && !ctx.spec.pipes().isEmpty()) {
                ctx.notes.add("IAM skipped (--no-iam, or an emulator without IAM such as LocalCloud): pipes get role ARNs under " + ctx.rolePath() + " that are not created; "
                        + "fine for the local runtime, not for AWS");
            }
            return;
        }
        Set<String> wanted = new HashSet<>();
        if (!destroy) {
            for (PipeSubscription p : ctx.spec.pipes()) {
                String name = ctx.resourceName(p.name());
                wanted.add(name);
                JsonNode trust = Statement.document(List.of(Pipe.trust()), ctx::json);
                JsonNode policy = Statement.document(new Pipe(p).permissions(ctx.queueKmsKey != null), ctx::json);
                Role role = null;
                try {
                    role = iam.getRole(b -> b.roleName(name)).role();
                } catch (NoSuchEntityException absent) {
                    // created below
                }
                if (role == null) {
                    creates.add(new Step(new Change(Change.Action.CREATE, "role", name, List.of()), () -> {
                        iam.createRole(b -> b.roleName(name).path(ctx.rolePath()).assumeRolePolicyDocument(trust.toString())
                                .description("pipekit pipe role for " + ctx.spec.name() + "/" + p.name())
                                .tags(ctx.tags(p.name()).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
                        iam.putRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME).policyDocument(policy.toString()));
                    }));
                    continue;
                }
                if (!ctx.rolePath().equals(role.path())) {
                    throw new IllegalStateException("role '" + name + "' exists outside " + ctx.rolePath() + "; pipekit will not manage it");
                }
                List<String> diffs = new ArrayList<>();
                boolean trustDiffers = !Objects.equals(trust, decode(role.assumeRolePolicyDocument()));
                if (trustDiffers) {
                    diffs.add("trust policy");
                }
                JsonNode current = null;
                try {
                    current = decode(iam.getRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME)).policyDocument());
                } catch (NoSuchEntityException absent) {
                    // the permissions are missing: an update puts them back
                }
                boolean policyDiffers = !Objects.equals(policy, current);
                if (policyDiffers) {
                    diffs.add("permissions");
                }
                if (diffs.isEmpty()) {
                    ctx.unchanged++;
                    continue;
                }
                creates.add(new Step(new Change(Change.Action.UPDATE, "role", name, diffs), () -> {
                    if (trustDiffers) {
                        iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(trust.toString()));
                    }
                    if (policyDiffers) {
                        iam.putRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME).policyDocument(policy.toString()));
                    }
                }));
            }
        }
        for (Role r : iam.listRolesPaginator(b -> b.pathPrefix(ctx.rolePath())).roles()) {
            if (!wanted.contains(r.roleName()) && ctx.rolePath().equals(r.path())) {
                deletes.add(new Step(new Change(Change.Action.DELETE, "role", r.roleName(), List.of()), () -> {
                    for (String policyName : iam.listRolePolicies(b -> b.roleName(r.roleName())).policyNames()) {
                        iam.deleteRolePolicy(b -> b.roleName(r.roleName()).policyName(policyName));
                    }
                    iam.deleteRole(b -> b.roleName(r.roleName()));
                }));
            }
        }
    }

    /** IAM returns policy documents URL-encoded (RFC 3986). */
    static JsonNode decode(String doc) {
        if (doc == null) {
            return null;
        }
        String text = doc.startsWith("%7B") || doc.startsWith("%7b") ? URLDecoder.decode(doc, StandardCharsets.UTF_8) : doc;
        return SdkDiff.tree(text);
    }
}

package io.pipekit.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * IAM's evaluation of resolved policy statements, as far as the deploy proofs need it: an explicit
 * Deny wins, otherwise some Allow must match the action (wildcards, case-insensitive), the
 * resource (wildcards, case-sensitive), the principal (for resource policies) and every condition.
 * Conditions support the operators pipekit renders ({@code ArnEquals}, {@code ArnLike},
 * {@code StringEquals}, {@code StringLike}); a statement with any other one is treated as not
 * matching, so an unknown condition can only make the check stricter.
 */
final class IamPolicy {

    /**
     * What is asked. {@code principal} is set for resource policies: a service (events.amazonaws.com),
     * matched against {@code Principal.Service}, or a role's ARN, matched against {@code Principal.AWS}.
     */
    record Request(String action, String resource, String principal, Map<String, String> context) {

        Request asIdentity() {
            return new Request(action, resource, null, context);
        }
    }

    private IamPolicy() {}

    static boolean allows(List<JsonNode> statements, Request request) {
        boolean allowed = false;
        for (JsonNode s : statements) {
            if (!applies(s, request)) {
                continue;
            }
            if ("Deny".equals(s.path("Effect").asText())) {
                return false;
            }
            allowed |= "Allow".equals(s.path("Effect").asText());
        }
        return allowed;
    }

    /**
     * IAM's answer for a role of the resource's own account: no explicit Deny in its identity policy
     * or the resource's policy, and an Allow in either — the identity statements asked without a
     * principal, the resource policy's naming the role's ARN in {@code Principal.AWS}.
     */
    static boolean allowsRole(List<JsonNode> identity, List<JsonNode> resourcePolicy, String roleArn, Request request) {
        Request asRole = new Request(request.action(), request.resource(), roleArn, request.context());
        if (denies(identity, request.asIdentity()) || denies(resourcePolicy, asRole)) {
            return false;
        }
        return allows(identity, request.asIdentity()) || allows(resourcePolicy, asRole);
    }

    /**
     * KMS's answer for a role: the key policy is the only one a key is sure to honour. It must allow
     * the role itself, or give the account ({@code Principal.AWS} the account's root) the action so
     * that the role's identity policy decides; an explicit Deny in either refuses.
     */
    static boolean keyAllowsRole(List<JsonNode> identity, List<JsonNode> keyPolicy, String roleArn, String account, Request request) {
        Request asRole = new Request(request.action(), request.resource(), roleArn, request.context());
        Request asAccount = new Request(request.action(), request.resource(), "arn:aws:iam::" + account + ":root", request.context());
        if (denies(identity, request.asIdentity()) || denies(keyPolicy, asRole)) {
            return false;
        }
        return allows(keyPolicy, asRole) || (allows(keyPolicy, asAccount) && allows(identity, request.asIdentity()));
    }

    private static boolean denies(List<JsonNode> statements, Request request) {
        return statements.stream().anyMatch(s -> "Deny".equals(s.path("Effect").asText()) && applies(s, request));
    }

    private static boolean applies(JsonNode s, Request r) {
        if (s.has("NotAction") || s.has("NotResource") || s.has("NotPrincipal")) {
            throw new IllegalStateException("NotAction/NotResource/NotPrincipal are not evaluated here: " + s);
        }
        if (values(s.path("Action")).stream().noneMatch(a -> matches(a, r.action()))) {
            return false;
        }
        if (values(s.path("Resource")).stream().noneMatch(p -> matchesArn(p, r.resource()))) {
            return false;
        }
        if (r.principal() != null) {
            JsonNode principal = s.path("Principal");
            boolean named = principal.asText().equals("*") || values(principal.path("AWS")).contains("*")
                    || values(principal.path(r.principal().startsWith("arn:") ? "AWS" : "Service")).contains(r.principal());
            if (!named) {
                return false;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> ops = s.path("Condition").fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                String actual = r.context().get(key.getKey());
                if (actual == null) {
                    return false;
                }
                List<String> expected = values(key.getValue());
                boolean ok = switch (op.getKey()) {
                    case "ArnEquals", "StringEquals" -> expected.contains(actual);
                    case "ArnLike" -> expected.stream().anyMatch(e -> matchesArn(e, actual));
                    case "StringLike" -> expected.stream().anyMatch(e -> matchesArn(e, actual));
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    static List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.asText());
        }
        return out;
    }

    /**
     * IAM's wildcard match: {@code *} any run of characters, {@code ?} one character. Action names
     * compare case-insensitively; ARNs case-sensitively.
     */
    static boolean matches(String pattern, String value) {
        return glob(pattern, true).matcher(value).matches();
    }

    static boolean matchesArn(String pattern, String arn) {
        return glob(pattern, false).matcher(arn).matches();
    }

    private static Pattern glob(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("((?<=[*?])|(?=[*?]))")) {
            regex.append(switch (part) {
                case "*" -> ".*";
                case "?" -> ".";
                default -> Pattern.quote(part);
            });
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }
}

package io.pipekit.ops.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An IAM policy document (identity policy, queue policy or key policy), evaluated for one request the
 * way IAM does for the parts doctor needs: an explicit Deny wins, else any matching Allow; actions
 * match case-insensitively with {@code *}/{@code ?}; resources and condition values match as globs for
 * the {@code *Like} operators and exactly otherwise; a condition on a key the request lacks fails
 * (unless {@code …IfExists}). Operators other than the String/Arn families make a statement count as
 * not matching: doctor then reports the permission missing rather than assume it.
 *
 * <p>Not modelled: permission boundaries, SCPs, session policies, NotPrincipal. Where IAM's own
 * simulator can be called doctor uses it instead (docs/operations.md).
 */
final class PolicyDocument {

    enum Decision { ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY }

    /**
     * @param principal for resource policies: {@code Service:events.amazonaws.com} or {@code AWS:<role arn>};
     *     null for identity policies (no Principal element)
     * @param resource an ARN; a {@code *} in it stands for "some resource of this form"
     * @param context condition keys, e.g. {@code aws:SourceArn}
     */
    record Request(String principal, String action, String resource, Map<String, String> context) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> statements;

    private PolicyDocument(List<JsonNode> statements) {
        this.statements = statements;
    }

    static PolicyDocument empty() {
        return new PolicyDocument(List.of());
    }

    /** Parses a policy; IAM returns documents URL-encoded, which is undone here. Null/blank = empty. */
    static PolicyDocument parse(String text) {
        if (text == null || text.isBlank()) {
            return empty();
        }
        String raw = text.trim();
        if (raw.startsWith("%7B") || raw.startsWith("%7b")) {
            raw = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        }
        try {
            JsonNode root = JSON.readTree(raw);
            List<JsonNode> out = new ArrayList<>();
            JsonNode st = root.path("Statement");
            if (st.isArray()) {
                st.forEach(out::add);
            } else if (st.isObject()) {
                out.add(st);
            }
            return new PolicyDocument(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a policy document: " + e.getMessage(), e);
        }
    }

    static PolicyDocument union(List<PolicyDocument> documents) {
        List<JsonNode> all = new ArrayList<>();
        documents.forEach(d -> all.addAll(d.statements));
        return new PolicyDocument(all);
    }

    boolean isEmpty() {
        return statements.isEmpty();
    }

    Decision evaluate(Request request) {
        boolean allowed = false;
        for (JsonNode s : statements) {
            if (!applies(s, request)) {
                continue;
            }
            if ("Deny".equals(s.path("Effect").asText())) {
                return Decision.EXPLICIT_DENY;
            }
            if ("Allow".equals(s.path("Effect").asText())) {
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOWED : Decision.IMPLICIT_DENY;
    }

    boolean allows(Request request) {
        return evaluate(request) == Decision.ALLOWED;
    }

    private static boolean applies(JsonNode s, Request r) {
        if (r.principal() != null && !principalMatches(s.path("Principal"), r.principal())) {
            return false;
        }
        if (s.has("NotAction")) {
            if (values(s.get("NotAction")).stream().anyMatch(a -> glob(a, r.action(), true))) {
                return false;
            }
        } else if (values(s.path("Action")).stream().noneMatch(a -> glob(a, r.action(), true))) {
            return false;
        }
        if (s.has("NotResource")) {
            if (values(s.get("NotResource")).stream().anyMatch(p -> resourceMatches(p, r.resource()))) {
                return false;
            }
        } else if (s.has("Resource") && values(s.get("Resource")).stream().noneMatch(p -> resourceMatches(p, r.resource()))) {
            return false;
        }
        return conditionsHold(s.path("Condition"), r.context());
    }

    private static boolean principalMatches(JsonNode principal, String wanted) {
        if (principal.isTextual()) {
            return "*".equals(principal.asText());
        }
        int colon = wanted.indexOf(':');
        String type = wanted.substring(0, colon);
        String value = wanted.substring(colon + 1);
        for (String p : values(principal.path(type))) {
            if (p.equals("*") || p.equals(value)) {
                return true;
            }
        }
        return type.equals("Service") ? false : values(principal.path("AWS")).contains("*");
    }

    /** Either side may hold wildcards: a statement for {@code task/cluster/*} answers a request for {@code task/*}. */
    private static boolean resourceMatches(String pattern, String resource) {
        return glob(pattern, resource, false) || (resource.contains("*") && glob(resource, pattern, false));
    }

    private static boolean conditionsHold(JsonNode condition, Map<String, String> context) {
        if (condition.isMissingNode() || condition.isNull()) {
            return true;
        }
        for (Map.Entry<String, JsonNode> op : condition.properties()) {
            String operator = op.getKey();
            boolean ifExists = operator.endsWith("IfExists");
            String base = ifExists ? operator.substring(0, operator.length() - "IfExists".length()) : operator;
            for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                String actual = context.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (actual == null) {
                    if (ifExists || base.startsWith("StringNot") || base.startsWith("ArnNot")) {
                        continue;
                    }
                    return false;
                }
                List<String> expected = values(key.getValue());
                boolean ok = switch (base) {
                    case "StringEquals", "ArnEquals" -> expected.contains(actual);
                    case "StringEqualsIgnoreCase" -> expected.stream().anyMatch(actual::equalsIgnoreCase);
                    case "StringLike", "ArnLike" -> expected.stream().anyMatch(e -> glob(e, actual, false));
                    case "StringNotEquals", "ArnNotEquals" -> !expected.contains(actual);
                    case "StringNotLike", "ArnNotLike" -> expected.stream().noneMatch(e -> glob(e, actual, false));
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static boolean glob(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = ignoreCase ? Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL) : Pattern.compile(regex.toString(), Pattern.DOTALL);
        return p.matcher(ignoreCase ? value.toLowerCase(Locale.ROOT) : value).matches();
    }
}

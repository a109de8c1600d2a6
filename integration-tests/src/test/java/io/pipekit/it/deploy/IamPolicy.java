package io.pipekit.it.deploy;

import java.util.regex.Pattern;

/** IAM's matching rules, as far as the deploy proofs need them. */
final class IamPolicy {

    private IamPolicy() {}

    /**
     * IAM's wildcard match: {@code *} any run of characters, {@code ?} one character. Action names
     * compare case-insensitively; for ARNs the caller decides (IAM compares them case-sensitively).
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

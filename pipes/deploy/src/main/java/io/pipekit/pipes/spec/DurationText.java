package io.pipekit.pipes.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in Copilot manifests: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 4h}, {@code 14d}, or bare seconds. */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private DurationText() {}

    /** The duration, or null when the text is not one of the accepted forms. */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}

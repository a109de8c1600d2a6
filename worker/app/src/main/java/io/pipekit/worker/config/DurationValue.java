package io.pipekit.worker.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way Copilot manifests and people write them: {@code 250ms}, {@code 30s},
 * {@code 5m}, {@code 2h}, a bare number of seconds ({@code 30}), or ISO-8601 ({@code PT30S}).
 */
public final class DurationValue {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private DurationValue() {
    }

    public static Duration parse(String variable, String text) {
        String value = text.trim();
        if (value.regionMatches(true, 0, "PT", 0, 2)) {
            try {
                return Duration.parse(value.toUpperCase());
            } catch (DateTimeParseException e) {
                throw invalid(variable, text);
            }
        }
        Matcher m = SIMPLE.matcher(value.toLowerCase());
        if (!m.matches()) {
            throw invalid(variable, text);
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> throw invalid(variable, text);
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static ConfigException invalid(String variable, String text) {
        return new ConfigException(variable, "'" + text + "' is not a duration",
                "Use e.g. 250ms, 30s, 5m, 2h, a number of seconds, or ISO-8601 like PT30S");
    }
}

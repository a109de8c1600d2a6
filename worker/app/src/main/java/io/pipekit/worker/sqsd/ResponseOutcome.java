package io.pipekit.worker.sqsd;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What an HTTP answer means for the message (docs/comparable-tools.md §1A, EB column; §2 item 7):
 * <ul>
 *   <li>{@code 200 OK} → delete. Beanstalk deletes on 200 only; other 2xx count as success only with
 *       {@code PIPEKIT_SQSD_SUCCESS=2xx} (simple-sqsd accepts 200–226, mogadanez any 2xx).</li>
 *   <li>{@code 429} with {@code Retry-After} (delta-seconds, or an HTTP-date) → invisible for exactly
 *       that long. Without a usable {@code Retry-After} it is an ordinary failure.</li>
 *   <li>anything else → failure: retried after the engine's backoff (EB's {@code ErrorVisibilityTimeout}).</li>
 * </ul>
 */
sealed interface ResponseOutcome {

    record Delete() implements ResponseOutcome {}

    record RetryAfter(Duration delay) implements ResponseOutcome {}

    record Fail(String reason) implements ResponseOutcome {}

    static ResponseOutcome of(int status, Optional<String> retryAfter, boolean any2xx, Instant now) {
        if (status == 200 || (any2xx && status >= 200 && status < 300)) {
            return new Delete();
        }
        if (status == 429) {
            Optional<Duration> delay = retryAfter.flatMap(value -> parseRetryAfter(value.trim(), now));
            if (delay.isPresent()) {
                return new RetryAfter(delay.get());
            }
            return new Fail("HTTP 429 without a usable Retry-After");
        }
        return new Fail("HTTP " + status);
    }

    /** RFC 9110 §10.2.3: a non-negative number of seconds, or an HTTP-date. */
    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException tooLarge) {
                return Optional.of(Duration.ofHours(12)); // the engine caps visibility at SQS's 12 h anyway
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration delay = Duration.between(now, at);
            return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}

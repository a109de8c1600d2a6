package io.pipekit.worker.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast timestamp path must agree with {@link Instant#parse} on everything. */
class IsoInstantsTest {

    @Test
    void agreesWithInstantParseOnRandomInstantsAtEveryPrecision() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-5_000_000_000L, 50_000_000_000L), random.nextInt(1_000_000_000));
            Instant truncated = switch (i % 4) {
                case 0 -> instant.truncatedTo(ChronoUnit.SECONDS);
                case 1 -> instant.truncatedTo(ChronoUnit.MILLIS);
                case 2 -> instant.truncatedTo(ChronoUnit.MICROS);
                default -> instant;
            };
            String text = truncated.toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2015-11-11T21:29:54Z", "2021-02-16T21:41:19.978Z", "2024-02-29T23:59:59.999999999Z",
            "1970-01-01T00:00:00.000Z", "2026-08-07T10:00:00+02:00", "2026-08-07T10:00:00.1Z",
            "2026-08-07T24:00:00Z", "2026-08-07T10:00:00.Z"})
    void awsShapesAndOddFormsGoingToTheFallback(String text) {
        assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-08-07T10:00:00.1234567890Z", "2026-08-07 10:00:00Z", "soon", "2026-08-07T1a:00:00Z"})
    void rejectsWhatInstantParseRejects(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void epochDayArithmeticAgreesWithLocalDateForEveryDayOfTenThousandYears() {
        for (java.time.LocalDate date = java.time.LocalDate.of(0, 1, 1); date.getYear() <= 9999; date = date.plusDays(1)) {
            assertThat(IsoInstants.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth())).as(date.toString())
                    .isEqualTo(date.toEpochDay());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z"})
    void impossibleDatesFailLikeInstantParse(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
    }
}

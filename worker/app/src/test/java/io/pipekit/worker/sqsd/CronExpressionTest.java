package io.pipekit.worker.sqsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {

    @ParameterizedTest(name = "{0} after {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "* * * * *        | 2026-11-23T12:00:30Z | 2026-11-23T12:01:00Z",
            "* * * * *        | 2026-11-23T12:01:00Z | 2026-11-23T12:02:00Z",
            "*/15 * * * *     | 2026-11-23T12:01:00Z | 2026-11-23T12:15:00Z",
            "0 */12 * * *     | 2026-11-23T12:00:00Z | 2026-11-24T00:00:00Z",
            "30 2 * * *       | 2026-11-23T12:00:00Z | 2026-11-24T02:30:00Z",
            "0 9 * * MON-FRI  | 2026-11-28T10:00:00Z | 2026-11-30T09:00:00Z",
            "0 0 1 JAN *      | 2026-11-23T12:00:00Z | 2027-01-01T00:00:00Z",
            "0 0 29 2 *       | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z",
            "0 0 * * 7        | 2026-11-23T12:00:00Z | 2026-11-29T00:00:00Z",
            "0 0 * * 0        | 2026-11-23T12:00:00Z | 2026-11-29T00:00:00Z",
            "5/20 8-9 * * *   | 2026-11-23T08:30:00Z | 2026-11-23T08:45:00Z",
            "0,30 * * * *     | 2026-11-23T12:10:00Z | 2026-11-23T12:30:00Z",
            "0 12 23 11 *     | 2026-11-23T12:00:00Z | 2027-11-23T12:00:00Z",
    })
    void nextFiringTime(String expression, String after, String expected) {
        assertThat(CronExpression.parse(expression).nextAfter(Instant.parse(after))).contains(Instant.parse(expected));
    }

    @Test
    void whenBothDayFieldsAreRestrictedEitherMatches() {
        // the 13th of the month OR a Friday (POSIX / Vixie cron)
        CronExpression expression = CronExpression.parse("0 0 13 * 5");
        List<Instant> next = new ArrayList<>();
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 4; i++) {
            t = expression.nextAfter(t).orElseThrow();
            next.add(t);
        }
        assertThat(next).containsExactly(Instant.parse("2026-11-06T00:00:00Z"), Instant.parse("2026-11-13T00:00:00Z"),
                Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(expression.matches(Instant.parse("2026-12-13T00:00:40Z"))).isTrue();
    }

    @Test
    void aScheduleThatNeverFiresHasNoNextTime() {
        assertThat(CronExpression.parse("0 0 30 2 *").nextAfter(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "* * * *           | has 4 fields",
            "60 * * * *        | outside 0-59",
            "* 24 * * *        | outside 0-23",
            "* * 0 * *         | outside 1-31",
            "* * * 13 *        | outside 1-12",
            "*/0 * * * *       | step must be at least 1",
            "* * * FOO *       | is not a number or a name",
            "1,,2 * * * *      | empty list item",
            "5-1 * * * *       | outside",
    })
    void badExpressionsSayWhatIsWrong(String expression, String problem) {
        assertThatThrownBy(() -> CronExpression.parse(expression)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
    }
}

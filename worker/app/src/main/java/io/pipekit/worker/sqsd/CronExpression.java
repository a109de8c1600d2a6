package io.pipekit.worker.sqsd;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A standard 5-field cron schedule — minute, hour, day of month, month, day of week — evaluated in
 * UTC, as Elastic Beanstalk's {@code cron.yaml} documents ("in UTC"). Each field takes {@code *},
 * numbers, ranges {@code a-b}, steps {@code * /n} and {@code a-b/n}, lists {@code a,b}, and month
 * and weekday names ({@code JAN}, {@code MON}); Sunday is 0 or 7. When both day fields are
 * restricted a day matches if <em>either</em> does (the POSIX / Vixie-cron rule).
 */
final class CronExpression {

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2), Map.entry("MAR", 3),
            Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7), Map.entry("AUG", 8),
            Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
    private static final Map<String, Integer> DAYS = Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4, "FRI", 5, "SAT", 6);
    /** Past this a schedule is treated as never firing (e.g. 30 February). Leap days recur within 8 years. */
    private static final int SEARCH_YEARS = 9;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;

    private CronExpression(String text, String[] fields) {
        this.text = text;
        this.minutes = parseField("minute", fields[0], 0, 59, Map.of());
        this.hours = parseField("hour", fields[1], 0, 23, Map.of());
        this.daysOfMonth = parseField("day of month", fields[2], 1, 31, Map.of());
        this.months = parseField("month", fields[3], 1, 12, MONTHS);
        BitSet dow = parseField("day of week", fields[4], 0, 7, DAYS);
        if (dow.get(7)) {
            dow.set(0);
            dow.clear(7);
        }
        this.daysOfWeek = dow;
        this.dayOfMonthStar = fields[2].startsWith("*");
        this.dayOfWeekStar = fields[4].startsWith("*");
    }

    /** @throws IllegalArgumentException naming the field and what is wrong with it */
    static CronExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty cron expression");
        }
        String[] fields = text.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("'" + text + "' has " + fields.length
                    + " fields; a cron schedule has 5: minute hour day-of-month month day-of-week");
        }
        return new CronExpression(text.trim(), fields);
    }

    /** Whether the schedule fires in the minute that contains {@code instant} (UTC). */
    boolean matches(Instant instant) {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        return minutes.get(t.getMinute()) && hours.get(t.getHour()) && months.get(t.getMonthValue()) && dayMatches(t.toLocalDate());
    }

    /** The first firing time strictly after {@code after}, on a whole minute; empty if it never fires. */
    Optional<Instant> nextAfter(Instant after) {
        LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime limit = t.plusYears(SEARCH_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.withHour(0).withMinute(0).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.withMinute(0).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return Optional.of(t.toInstant(ZoneOffset.UTC));
            }
        }
        return Optional.empty();
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = daysOfMonth.get(date.getDayOfMonth());
        boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
        if (dayOfMonthStar || dayOfWeekStar) {
            return dom && dow;
        }
        return dom || dow;
    }

    private static BitSet parseField(String name, String field, int min, int max, Map<String, Integer> names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException(name + " field '" + field + "' has an empty list item");
            }
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(name, part.substring(slash + 1), Map.of());
                if (step < 1) {
                    throw new IllegalArgumentException(name + " field '" + field + "': step must be at least 1");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max == 7 ? 6 : max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = number(name, ends[0], names);
                to = number(name, ends[1], names);
            } else {
                from = number(name, range, names);
                // "5/15" means from 5 to the end in steps of 15 (Vixie cron)
                to = slash >= 0 ? (max == 7 ? 6 : max) : from;
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException(name + " field '" + field + "': " + range + " is outside " + min + "-" + max);
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String name, String text, Map<String, Integer> names) {
        Integer named = names.get(text.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " field: '" + text + "' is not a number" + (names.isEmpty() ? "" : " or a name"));
        }
    }

    @Override
    public String toString() {
        return text;
    }
}

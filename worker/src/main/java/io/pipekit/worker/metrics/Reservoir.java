package io.pipekit.worker.metrics;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A uniform random sample of at most {@link #CAPACITY} values (Algorithm R): EMF takes at most 100
 * values per metric per document, so a busy interval is summarised by a fair sample plus an exact
 * count, maximum and sum.
 */
final class Reservoir {

    /** CloudWatch EMF: a metric value array holds at most 100 numbers. */
    static final int CAPACITY = 100;

    private final double[] sample = new double[CAPACITY];
    private long seen;
    private double max;
    private double sum;

    synchronized void add(double value) {
        seen++;
        sum += value;
        max = Math.max(max, value);
        if (seen <= CAPACITY) {
            sample[(int) seen - 1] = value;
        } else {
            long slot = ThreadLocalRandom.current().nextLong(seen);
            if (slot < CAPACITY) {
                sample[(int) slot] = value;
            }
        }
    }

    /** The sample collected so far, and a reset for the next interval. */
    synchronized Snapshot drain() {
        Snapshot snapshot = new Snapshot(Arrays.copyOf(sample, (int) Math.min(seen, CAPACITY)), seen, max, sum);
        seen = 0;
        max = 0;
        sum = 0;
        return snapshot;
    }

    record Snapshot(double[] values, long count, double max, double sum) {}
}

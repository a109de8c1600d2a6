package io.pipekit.producers;

import java.util.random.RandomGenerator;

/**
 * How partition keys are drawn: {@code cardinality} distinct keys, of which key 0 is "hot" and
 * receives {@code hotShare} of all events; the rest are spread uniformly over all keys.
 * Written on the command line as {@code 1000} or {@code 1000:hot=0.3}.
 */
public record KeySpace(int cardinality, double hotShare) {

    public KeySpace {
        if (cardinality < 1) {
            throw new IllegalArgumentException("partition key cardinality must be >= 1, got " + cardinality);
        }
        if (hotShare < 0 || hotShare > 1) {
            throw new IllegalArgumentException("hot key share must be within [0,1], got " + hotShare);
        }
    }

    public static KeySpace uniform(int cardinality) {
        return new KeySpace(cardinality, 0);
    }

    /** Parses {@code N} or {@code N:hot=F}. */
    public static KeySpace parse(String text) {
        String[] parts = text.trim().split(":", 2);
        int n;
        try {
            n = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("partition keys must look like 1000 or 1000:hot=0.3, got '" + text + "'");
        }
        double hot = 0;
        if (parts.length == 2) {
            String opt = parts[1].trim();
            if (!opt.startsWith("hot=")) {
                throw new IllegalArgumentException("partition keys must look like 1000 or 1000:hot=0.3, got '" + text + "'");
            }
            hot = Double.parseDouble(opt.substring(4));
        }
        return new KeySpace(n, hot);
    }

    /** Draws a key index in {@code [0, cardinality)}. */
    public int pick(RandomGenerator rng) {
        if (hotShare > 0 && rng.nextDouble() < hotShare) {
            return 0;
        }
        return cardinality == 1 ? 0 : rng.nextInt(cardinality);
    }

    @Override
    public String toString() {
        return hotShare > 0 ? cardinality + ":hot=" + hotShare : Integer.toString(cardinality);
    }
}

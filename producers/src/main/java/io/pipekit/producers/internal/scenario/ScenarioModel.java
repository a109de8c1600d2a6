package io.pipekit.producers.internal.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.random.RandomGenerator;

/** Produces the scenario-specific part of the next event for a given partition key index. */
sealed interface ScenarioModel permits OrdersModel, ClickstreamModel, IotModel {

    Draft next(int keyIndex, RandomGenerator rng);

    record Draft(String type, String key, String subject, ObjectNode data) {}

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String hex(RandomGenerator rng, int chars) {
        StringBuilder b = new StringBuilder(chars);
        while (b.length() < chars) {
            b.append(Long.toHexString(rng.nextLong() | Long.MIN_VALUE));
        }
        return b.substring(0, chars);
    }

    static <T> T pick(RandomGenerator rng, T[] options) {
        return options[rng.nextInt(options.length)];
    }
}

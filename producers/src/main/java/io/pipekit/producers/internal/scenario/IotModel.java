package io.pipekit.producers.internal.scenario;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Sensor readings: every device (partition key) random-walks its temperature and humidity and drains its battery. */
final class IotModel implements ScenarioModel {

    private static final String[] SITES = {"plant-berlin", "plant-austin", "warehouse-dublin", "lab-lyon"};
    private static final String[] FIRMWARE = {"2.4.1", "2.4.1", "2.5.0"};
    private static final double ALERT_CELSIUS = 30.0;

    private static final class Device {
        final String site;
        final String firmware;
        double temperature;
        double humidity;
        double battery;
        long readingSeq;

        Device(String site, String firmware, double temperature, double humidity, double battery) {
            this.site = site;
            this.firmware = firmware;
            this.temperature = temperature;
            this.humidity = humidity;
            this.battery = battery;
        }
    }

    private final Map<Integer, Device> devices = new HashMap<>();

    @Override
    public Draft next(int keyIndex, RandomGenerator rng) {
        String id = String.format("device-%05d", keyIndex);
        Device d = devices.computeIfAbsent(keyIndex, k -> new Device(ScenarioModel.pick(rng, SITES),
                ScenarioModel.pick(rng, FIRMWARE), 18 + rng.nextDouble() * 6, 35 + rng.nextDouble() * 20,
                60 + rng.nextDouble() * 40));
        d.temperature = Math.max(-10, Math.min(45, d.temperature + (rng.nextDouble() - 0.48) * 0.8));
        d.humidity = Math.max(5, Math.min(95, d.humidity + (rng.nextDouble() - 0.5) * 2));
        d.battery = Math.max(0, d.battery - rng.nextDouble() * 0.05);
        d.readingSeq++;
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("deviceId", id);
        data.put("site", d.site);
        data.put("firmware", d.firmware);
        data.put("readingSeq", d.readingSeq);
        data.put("temperatureC", ScenarioModel.round2(d.temperature));
        data.put("humidityPct", ScenarioModel.round2(d.humidity));
        data.put("batteryPct", ScenarioModel.round2(d.battery));
        String type = d.temperature > ALERT_CELSIUS ? "sensor.alert" : "sensor.reading";
        if (type.equals("sensor.alert")) {
            data.put("thresholdC", ALERT_CELSIUS);
        }
        return new Draft(type, id, id, data);
    }
}

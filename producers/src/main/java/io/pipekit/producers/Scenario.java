package io.pipekit.producers;

/** The kinds of traffic a run generates; each has its own realistic JSON {@code data}. */
public enum Scenario {
    /** Orders moving placed → paid → shipped, or → cancelled; key = customer, subject = order id. */
    ORDERS("orders"),
    /** Web sessions: page views, searches, clicks, add-to-cart; key = user, subject = session id. */
    CLICKSTREAM("clickstream"),
    /** Sensor readings with per-device random walks; key = subject = device id. */
    IOT("iot");

    private final String id;

    Scenario(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Scenario of(String id) {
        for (Scenario s : values()) {
            if (s.id.equalsIgnoreCase(id) || s.name().equalsIgnoreCase(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "' (orders, clickstream, iot)");
    }
}

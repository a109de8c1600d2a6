package io.pipekit.worker.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of one JSON object's fields. Wrong types raise {@link MalformedEnvelope} (the body
 * claimed a kind but does not have its shape); optional fields that are absent or JSON null read as null.
 */
final class Fields {

    private final JsonNode object;
    // The path for messages, built only when one is needed: a nested object's path is its parent's
    // plus "." + field, an array element's is prefix + "[" + index + "]" (index >= 0).
    private final String prefix;
    private final Fields parent;
    private final int index;

    Fields(JsonNode object, String where) {
        this(object, where, null, -1);
    }

    /** An element of an array, named {@code prefix[index]} in messages. */
    Fields(JsonNode object, String prefix, int index) {
        this(object, prefix, null, index);
    }

    private Fields(JsonNode object, String prefix, Fields parent, int index) {
        this.prefix = prefix;
        this.parent = parent;
        this.index = index;
        if (object == null || !object.isObject()) {
            throw new MalformedEnvelope(where() + " is not a JSON object");
        }
        this.object = object;
    }

    /** This object's path in messages, e.g. {@code record.dynamodb}. */
    private String where() {
        if (parent != null) {
            return parent.where() + "." + prefix;
        }
        return index >= 0 ? prefix + "[" + index + "]" : prefix;
    }

    JsonNode node() {
        return object;
    }

    /** A string field; null when absent. */
    String text(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedEnvelope(where() + "." + field + " is not a string");
        }
        return value.textValue();
    }

    String requiredText(String field) {
        String value = text(field);
        if (value == null) {
            throw new MalformedEnvelope(where() + "." + field + " is missing");
        }
        return value;
    }

    /** A nested object; null when absent. */
    Fields object(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return new Fields(value, field, this, -1);
    }

    Fields requiredObject(String field) {
        Fields value = object(field);
        if (value == null) {
            throw new MalformedEnvelope(where() + "." + field + " is missing");
        }
        return value;
    }

    /** A raw nested node, any type; null when absent or JSON null. */
    JsonNode any(String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value;
    }

    /** An array field; empty when absent. */
    List<JsonNode> array(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new MalformedEnvelope(where() + "." + field + " is not an array");
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    List<String> textArray(String field) {
        List<JsonNode> items = array(field);
        List<String> texts = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                throw new MalformedEnvelope(where() + "." + field + " holds a non-string");
            }
            texts.add(item.textValue());
        }
        return List.copyOf(texts);
    }

    /** A string-to-string map (SQS system attributes); empty when absent. */
    Map<String, String> textMap(String field) {
        return map(field, (map, name, value) -> {
            if (value.isTextual()) {
                return value.textValue();
            }
            if (value.isNull()) {
                throw new MalformedEnvelope(map.where() + "." + name + " is missing");
            }
            throw new MalformedEnvelope(map.where() + "." + name + " is not a string");
        });
    }

    /** How {@link #map} reads one entry: the map's fields, the entry's name and its (non-null) node. */
    @FunctionalInterface
    interface EntryReader<V> {
        V read(Fields map, String name, JsonNode value);
    }

    /**
     * An object read as a map in wire order, each entry's value by {@code read}; empty when absent.
     * Entries are visited directly (no lookup per name).
     */
    <V> Map<String, V> map(String field, EntryReader<V> read) {
        Fields map = object(field);
        if (map == null) {
            return Map.of();
        }
        Map<String, V> result = LinkedHashMap.newLinkedHashMap(map.object.size());
        for (Map.Entry<String, JsonNode> entry : map.object.properties()) {
            result.put(entry.getKey(), read.read(map, entry.getKey(), entry.getValue()));
        }
        return java.util.Collections.unmodifiableMap(result); // keeps the wire order
    }

    /** A map entry's value as a nested object (as {@link #requiredObject} would read it). */
    Fields requiredObject(String field, JsonNode value) {
        if (value == null || value.isNull()) {
            throw new MalformedEnvelope(where() + "." + field + " is missing");
        }
        return new Fields(value, field, this, -1);
    }

    /** A base64 string field decoded into a read-only buffer; null when absent. */
    ByteBuffer base64(String field) {
        String value = text(field);
        if (value == null) {
            return null;
        }
        if (!Payload.isBase64(value)) {
            throw new MalformedEnvelope(where() + "." + field + " is not base64");
        }
        return ByteBuffer.wrap(Base64.getDecoder().decode(value)).asReadOnlyBuffer();
    }

    /** A number, or a numeric string; null when absent. */
    BigDecimal number(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual()) {
            try {
                return new BigDecimal(value.textValue());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new MalformedEnvelope(where() + "." + field + " is not a number");
    }

    /** A number, or a numeric string, as {@code number(field).longValue()}; null when absent. */
    Long longValue(String field) {
        JsonNode value = object.get(field);
        if (value != null && (value.isInt() || value.isLong())) {
            return value.longValue(); // what BigDecimal.longValue() gives for these, without the BigDecimal
        }
        BigDecimal number = number(field);
        return number == null ? null : number.longValue();
    }

    /** Epoch seconds with a fraction (Kinesis, DynamoDB streams) as an instant, to the millisecond. */
    Instant epochSeconds(String field) {
        JsonNode value = object.get(field);
        if (value != null && value.isNumber() && !value.isBigDecimal() && !value.isBigInteger()) {
            // fast path for what AWS sends: 1545084650.987 (a double; ample precision for milliseconds)
            double millis = value.doubleValue() * 1000;
            if (millis > -8.64e18 && millis < 8.64e18) {
                return Instant.ofEpochMilli(Math.round(millis));
            }
        }
        BigDecimal seconds = number(field);
        if (seconds == null) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new MalformedEnvelope(where() + "." + field + " is out of range");
        }
    }

    /** An ISO-8601 timestamp; null when absent. */
    Instant isoInstant(String field) {
        String value = text(field);
        if (value == null) {
            return null;
        }
        try {
            return IsoInstants.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedEnvelope(where() + "." + field + " is not an ISO-8601 timestamp");
        }
    }
}

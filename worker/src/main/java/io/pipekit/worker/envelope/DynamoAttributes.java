package io.pipekit.worker.envelope;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts DynamoDB's typed attribute-value JSON ({@code {"N":"101"}}, docs/aws-behaviour.md §1.2) into the
 * Lambda model's {@link AttributeValue}s or into plain Java values. Plain mapping: S→String,
 * N→BigDecimal (numbers are strings on the wire, so no precision is lost), B→byte[], SS→Set of String,
 * NS→Set of BigDecimal, BS→List of byte[], M→Map, L→List, NULL→null, BOOL→Boolean.
 */
final class DynamoAttributes {

    private DynamoAttributes() {
    }

    static Map<String, Object> toPlainMap(JsonNode item, String where) {
        requireObject(item, where);
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            map.put(entry.getKey(), toPlain(entry.getValue(), where + "." + entry.getKey()));
        }
        return map;
    }

    static Map<String, AttributeValue> toLambdaMap(JsonNode item, String where) {
        requireObject(item, where);
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            map.put(entry.getKey(), toLambda(entry.getValue(), where + "." + entry.getKey()));
        }
        return map;
    }

    private static Object toPlain(JsonNode typed, String where) {
        Map.Entry<String, JsonNode> tv = typeAndValue(typed, where);
        JsonNode v = tv.getValue();
        return switch (tv.getKey()) {
            case "S" -> text(v, where);
            case "N" -> number(v, where);
            case "B" -> binary(v, where);
            case "BOOL" -> bool(v, where);
            case "NULL" -> null;
            case "SS" -> {
                Set<String> set = new LinkedHashSet<>();
                elements(v, where).forEach(e -> set.add(text(e, where)));
                yield set;
            }
            case "NS" -> {
                Set<BigDecimal> set = new LinkedHashSet<>();
                elements(v, where).forEach(e -> set.add(number(e, where)));
                yield set;
            }
            case "BS" -> {
                List<byte[]> list = new ArrayList<>();
                elements(v, where).forEach(e -> list.add(binary(e, where)));
                yield list;
            }
            case "M" -> toPlainMap(v, where);
            case "L" -> {
                List<Object> list = new ArrayList<>();
                elements(v, where).forEach(e -> list.add(toPlain(e, where + "[]")));
                yield list;
            }
            default -> throw new PayloadException(where + ": unknown DynamoDB attribute type " + tv.getKey());
        };
    }

    private static AttributeValue toLambda(JsonNode typed, String where) {
        Map.Entry<String, JsonNode> tv = typeAndValue(typed, where);
        JsonNode v = tv.getValue();
        AttributeValue av = new AttributeValue();
        switch (tv.getKey()) {
            case "S" -> av.setS(text(v, where));
            case "N" -> av.setN(numberText(v, where));
            case "B" -> av.setB(ByteBuffer.wrap(binary(v, where)));
            case "BOOL" -> av.setBOOL(bool(v, where));
            case "NULL" -> av.setNULL(Boolean.TRUE);
            case "SS" -> av.setSS(elements(v, where).stream().map(e -> text(e, where)).toList());
            case "NS" -> av.setNS(elements(v, where).stream().map(e -> numberText(e, where)).toList());
            case "BS" -> av.setBS(elements(v, where).stream().map(e -> ByteBuffer.wrap(binary(e, where))).toList());
            case "M" -> av.setM(toLambdaMap(v, where));
            case "L" -> av.setL(elements(v, where).stream().map(e -> toLambda(e, where + "[]")).toList());
            default -> throw new PayloadException(where + ": unknown DynamoDB attribute type " + tv.getKey());
        }
        return av;
    }

    private static Map.Entry<String, JsonNode> typeAndValue(JsonNode typed, String where) {
        if (typed == null || !typed.isObject() || typed.size() != 1) {
            throw new PayloadException(where + ": a DynamoDB attribute value must be an object with exactly one type key");
        }
        return typed.fields().next();
    }

    private static void requireObject(JsonNode item, String where) {
        if (item == null || !item.isObject()) {
            throw new PayloadException(where + " is not a DynamoDB item (JSON object)");
        }
    }

    private static String text(JsonNode v, String where) {
        if (!v.isTextual()) {
            throw new PayloadException(where + ": expected a string");
        }
        return v.textValue();
    }

    private static String numberText(JsonNode v, String where) {
        number(v, where); // validate, but keep the wire form ("1.50" stays "1.50")
        return v.textValue();
    }

    private static BigDecimal number(JsonNode v, String where) {
        try {
            return new BigDecimal(text(v, where));
        } catch (NumberFormatException e) {
            throw new PayloadException(where + ": not a DynamoDB number");
        }
    }

    private static byte[] binary(JsonNode v, String where) {
        try {
            return Base64.getDecoder().decode(text(v, where));
        } catch (IllegalArgumentException e) {
            throw new PayloadException(where + ": binary value is not base64");
        }
    }

    private static Boolean bool(JsonNode v, String where) {
        if (!v.isBoolean()) {
            throw new PayloadException(where + ": expected a boolean");
        }
        return v.booleanValue();
    }

    private static List<JsonNode> elements(JsonNode v, String where) {
        if (!v.isArray()) {
            throw new PayloadException(where + ": expected an array");
        }
        List<JsonNode> list = new ArrayList<>(v.size());
        v.forEach(list::add);
        return list;
    }
}

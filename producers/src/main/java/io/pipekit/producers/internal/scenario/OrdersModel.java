package io.pipekit.producers.internal.scenario;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Each customer (partition key) has at most one open order, which moves placed → paid → shipped,
 * or is cancelled after placed/paid. The key is the customer, so on Kinesis every state of one
 * order lands on the same shard, in order (with concurrency 1).
 */
final class OrdersModel implements ScenarioModel {

    private record Sku(String sku, String name, double price) {}

    private static final Sku[] CATALOG = {
        new Sku("SKU-1001", "espresso beans 1kg", 24.90), new Sku("SKU-1002", "burr grinder", 129.00),
        new Sku("SKU-1003", "milk jug 600ml", 17.50), new Sku("SKU-1004", "paper filters x100", 4.95),
        new Sku("SKU-1005", "gooseneck kettle", 59.00), new Sku("SKU-1006", "scale 0.1g", 35.00),
        new Sku("SKU-1007", "travel mug", 21.00), new Sku("SKU-1008", "descaler 500ml", 9.99),
    };
    private static final String[] PAYMENT = {"card", "card", "card", "paypal", "apple_pay", "bank_transfer"};
    private static final String[] CARRIERS = {"UPS", "DHL", "FedEx", "USPS"};
    private static final String[] WAREHOUSES = {"FRA1", "IAD2", "DUB1"};

    private static final class OpenOrder {
        final String orderId;
        final ArrayNode items;
        final double total;
        final String currency;
        String status = "PLACED";

        OpenOrder(String orderId, ArrayNode items, double total, String currency) {
            this.orderId = orderId;
            this.items = items;
            this.total = total;
            this.currency = currency;
        }
    }

    private final Map<Integer, OpenOrder> open = new HashMap<>();

    @Override
    public Draft next(int keyIndex, RandomGenerator rng) {
        String customer = String.format("customer-%05d", keyIndex);
        OpenOrder o = open.get(keyIndex);
        String type;
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        if (o == null) {
            o = place(keyIndex, rng);
            open.put(keyIndex, o);
            type = "order.placed";
            extra.put("channel", ScenarioModel.pick(rng, new String[] {"web", "web", "ios", "android"}));
        } else if (o.status.equals("PLACED") && rng.nextDouble() < 0.9) {
            o.status = "PAID";
            type = "order.paid";
            extra.put("paymentMethod", ScenarioModel.pick(rng, PAYMENT));
            extra.put("paymentId", "pay_" + ScenarioModel.hex(rng, 16));
        } else if (o.status.equals("PAID") && rng.nextDouble() < 0.93) {
            o.status = "SHIPPED";
            type = "order.shipped";
            extra.put("carrier", ScenarioModel.pick(rng, CARRIERS));
            extra.put("trackingNumber", "1Z" + ScenarioModel.hex(rng, 16).toUpperCase());
            extra.put("warehouse", ScenarioModel.pick(rng, WAREHOUSES));
            open.remove(keyIndex);
        } else {
            extra.put("reason", o.status.equals("PLACED") ? "payment_failed" : "out_of_stock");
            o.status = "CANCELLED";
            type = "order.cancelled";
            open.remove(keyIndex);
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("orderId", o.orderId);
        data.put("customerId", customer);
        data.put("status", o.status);
        data.put("total", o.total);
        data.put("currency", o.currency);
        data.set("items", o.items);
        data.setAll(extra);
        return new Draft(type, customer, o.orderId, data);
    }

    private static OpenOrder place(int keyIndex, RandomGenerator rng) {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        int lines = 1 + rng.nextInt(4);
        double total = 0;
        for (int i = 0; i < lines; i++) {
            Sku s = ScenarioModel.pick(rng, CATALOG);
            int qty = 1 + rng.nextInt(3);
            items.addObject().put("sku", s.sku()).put("name", s.name()).put("qty", qty).put("unitPrice", s.price());
            total += qty * s.price();
        }
        String currency = keyIndex % 3 == 0 ? "USD" : "EUR";
        return new OpenOrder("order-" + ScenarioModel.hex(rng, 12), items, ScenarioModel.round2(total), currency);
    }
}

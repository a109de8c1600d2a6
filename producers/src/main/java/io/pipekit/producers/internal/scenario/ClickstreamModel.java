package io.pipekit.producers.internal.scenario;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Web sessions per user (partition key): a session is a short walk of page views, searches, clicks and cart adds. */
final class ClickstreamModel implements ScenarioModel {

    private static final String[] PAGES = {"/", "/products", "/products/espresso-beans", "/products/grinder",
        "/cart", "/checkout", "/account", "/blog/brew-guide", "/search"};
    private static final String[] REFERRERS = {"https://www.google.com/", "https://news.ycombinator.com/",
        "https://www.instagram.com/", "direct", "newsletter"};
    private static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet"};
    private static final String[] COUNTRIES = {"DE", "US", "FR", "GB", "NL", "IE"};
    private static final String[] ELEMENTS = {"buy-button", "nav-menu", "hero-banner", "product-card", "footer-link"};
    private static final String[] QUERIES = {"espresso", "decaf", "grinder", "kettle", "filter papers"};

    private static final class Session {
        final String sessionId;
        final String device;
        final String country;
        String page;
        int eventsLeft;

        Session(String sessionId, String device, String country, int eventsLeft) {
            this.sessionId = sessionId;
            this.device = device;
            this.country = country;
            this.page = "/";
            this.eventsLeft = eventsLeft;
        }
    }

    private final Map<Integer, Session> sessions = new HashMap<>();

    @Override
    public Draft next(int keyIndex, RandomGenerator rng) {
        String user = String.format("user-%05d", keyIndex);
        Session s = sessions.get(keyIndex);
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        String type;
        String referrer;
        if (s == null || s.eventsLeft <= 0) {
            s = new Session("sess-" + ScenarioModel.hex(rng, 12), ScenarioModel.pick(rng, DEVICES),
                    ScenarioModel.pick(rng, COUNTRIES), 3 + rng.nextInt(15));
            sessions.put(keyIndex, s);
            referrer = ScenarioModel.pick(rng, REFERRERS);
        } else {
            referrer = s.page;
        }
        double r = rng.nextDouble();
        if (r < 0.55) {
            type = "click.page_view";
            s.page = ScenarioModel.pick(rng, PAGES);
        } else if (r < 0.70) {
            type = "click.search";
            s.page = "/search";
            data.put("query", ScenarioModel.pick(rng, QUERIES));
            data.put("results", rng.nextInt(40));
        } else if (r < 0.90) {
            type = "click.click";
            data.put("element", ScenarioModel.pick(rng, ELEMENTS));
        } else {
            type = "click.add_to_cart";
            data.put("sku", "SKU-100" + (1 + rng.nextInt(8)));
            data.put("qty", 1 + rng.nextInt(2));
        }
        s.eventsLeft--;
        data.put("userId", user);
        data.put("sessionId", s.sessionId);
        data.put("page", s.page);
        data.put("referrer", referrer);
        data.put("device", s.device);
        data.put("country", s.country);
        data.put("dwellMs", 200 + rng.nextInt(30_000));
        return new Draft(type, user, s.sessionId, data);
    }
}

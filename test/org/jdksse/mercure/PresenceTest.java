package org.jdksse.mercure;

import static org.jdksse.mercure.HubFixture.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdksse.Broadcaster;
import org.jdksse.SseOptions;
import org.jdksse.mercure.HubFixture.Event;
import org.jdksse.mercure.HubFixture.Stream;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PresenceTest {
    static final String EVENTS = "/.well-known/mercure/subscriptions/{topic}/{subscriber}";
    static final String WATCHER = Tokens.hs256("{\"mercure\":{\"subscribe\":[\"" + EVENTS + "\","
            + "\"/.well-known/mercure/subscriptions{/topic}{/subscriber}\"]}}");

    HubFixture hub;

    @BeforeEach
    void start() throws Exception {
        // Short heartbeats: a subscriber that left is noticed at the next write.
        Broadcaster broadcaster = Broadcaster.builder().options(SseOptions.defaults().withHeartbeat(Duration.ofMillis(200))).build();
        hub = new HubFixture(broadcaster, options());
    }

    private static MercureOptions options() throws Exception {
        TokenVerifier key = TokenVerifier.of("HS256", Tokens.SECRET);
        return MercureOptions.builder().publisherKey(key).subscriberKey(key).anonymous(true).subscriptions(true).build();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) throws Exception {
        return (Map<String, Object>) Json.parse(text);
    }

    /** The next subscription event about this selector: the watcher may also hear of the others. */
    private static Event about(Stream watcher, String topic) throws Exception {
        for (Event e; (e = watcher.next()) != null; ) {
            if (topic.equals(json(e.data()).get("topic"))) {
                return e;
            }
        }
        throw new AssertionError("the stream ended");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return hub.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPublisherCannotForgeASubscriptionEventThoughItsTokenCoversEveryTopic() throws Exception {
        String all = Tokens.hs256("{\"mercure\":{\"publish\":[\"*\"]}}");
        for (String topic : List.of("/.well-known/mercure/subscriptions/a/urn%3Auuid%3A1", "/.well-known/mercure",
                "https://example.com/.well-known/mercure/subscriptions/a/b", "/%2Ewell-known/mercure/subscriptions/a/b",
                "/x/../.well-known/mercure/subscriptions/a/b", "/.well-known/mercure/subscriptions/../..",
                "https://example.com/.well-known/mercure/subscriptions/../..", "//example.com/.well-known/mercure/x",
                "https://example.com/.well-known/mercure/subscriptions{/topic}{/subscriber}",
                "/.well-known/mercure/subscriptions{?topic}")) {
            HttpResponse<String> forged = hub.publish(all, HubFixture.form("topic", "https://example.com/a", "topic", topic,
                    "data", "{\"active\":false}", "private", "on"));
            assertEquals(403, forged.statusCode(), topic);
            assertTrue(forged.body().contains("the hub's own namespace"), forged.body());
        }
        for (String topic : List.of("/.well-known/mercurex", "https://example.com/books/1", "urn:isbn:1", "a b", "mercure",
                "mercure/chat", "./mercure", "#top", ".well-known/mercure/subscriptions/a/b", "https://example.com/{id}",
                "{+base}/books")) {
            assertEquals(200, hub.publish(all, HubFixture.form("topic", topic, "data", "x")).statusCode(), topic);
            assertTrue(!Presence.reserved(topic, "/.well-known/mercure") && !Mercure.reservedTopic(topic), topic);
        }
    }

    @Test
    void aSubscriberComingAndGoingIsAnnouncedAsPrivateSubscriptionEvents() throws Exception {
        String selector = "https://example.com/{selector}";
        try (Stream anonymous = hub.subscribe("topic=" + enc(EVENTS) + "&topic=marker");
             Stream watcher = hub.subscribe("topic=" + enc(EVENTS), "Authorization", "Bearer " + WATCHER)) {
            Stream reader = hub.subscribe("topic=" + enc(selector), "Authorization", "Bearer "
                    + Tokens.hs256("{\"mercure\":{\"subscribe\":[],\"payload\":{\"foo\":\"bar\"}}}"));
            Event joined = about(watcher, selector);
            Map<String, Object> doc = json(joined.data());
            String subscriber = (String) doc.get("subscriber");
            assertTrue(subscriber.startsWith("urn:uuid:"), subscriber);
            String id = "/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com%2F%7Bselector%7D/" + enc(subscriber);
            assertEquals(Map.of("@context", "https://mercure.rocks/", "id", id, "type", "Subscription",
                    "topic", "https://example.com/{selector}", "subscriber", subscriber, "active", true,
                    "payload", Map.of("foo", "bar")), doc);

            HttpResponse<String> list = get("/.well-known/mercure/subscriptions", WATCHER);
            assertEquals(200, list.statusCode());
            assertEquals("application/ld+json", list.headers().firstValue("Content-Type").orElse(null));
            assertEquals("private, must-revalidate", list.headers().firstValue("Cache-Control").orElse(null));
            Map<String, Object> collection = json(list.body());
            assertEquals("Subscriptions", collection.get("type"));
            assertEquals("/.well-known/mercure/subscriptions", collection.get("id"));
            assertEquals(joined.id(), collection.get("lastEventID"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> subscriptions = (List<Map<String, Object>>) collection.get("subscriptions");
            assertTrue(subscriptions.stream().anyMatch(s -> s.get("id").equals(id)), list.body());

            Map<String, Object> one = json(get(id, WATCHER).body());
            assertEquals(subscriber, one.get("subscriber"));
            assertEquals(200, get("/.well-known/mercure/subscriptions/" + enc("https://example.com/{selector}"), WATCHER).statusCode());
            assertEquals(404, get("/.well-known/mercure/subscriptions/x/urn%3Auuid%3Anone", WATCHER).statusCode());
            assertEquals(401, get("/.well-known/mercure/subscriptions", null).statusCode());
            assertEquals(403, get("/.well-known/mercure/subscriptions", Tokens.hs256(Tokens.claims("[]", "[\"other\"]"))).statusCode());

            reader.close();
            Map<String, Object> left = json(about(watcher, selector).data());
            assertEquals(false, left.get("active"));
            assertEquals(id, left.get("id"));
            // The anonymous subscriber of the same selector saw neither event: its first is a public marker.
            hub.published(Tokens.hs256(Tokens.claims("[\"*\"]", "[]")), "topic", "marker", "data", "marker");
            assertEquals("marker", anonymous.next().data());
        }
    }

    @Test
    void theSubscriptionsApiFindsASubscriptionHoweverItsPathSegmentsAreEncoded() throws Exception {
        String topic = "https://example.com/books/1";
        String all = Tokens.hs256("{\"mercure\":{\"subscribe\":[\"*\"]}}");
        try (Stream watcher = hub.subscribe("topic=" + enc(EVENTS), "Authorization", "Bearer " + WATCHER);
             Stream reader = hub.subscribe("topic=" + enc(topic) + "&topic=" + enc("a&b+c"))) {
            String subscriber = (String) json(about(watcher, topic).data()).get("subscriber");
            String id = "/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com%2Fbooks%2F1/" + enc(subscriber);
            String api = "/.well-known/mercure/subscriptions/";
            // Lower-case hex, and Go's url.PathEscape, which leaves : as it is.
            String lower = api + "https%3a%2f%2fexample.com%2fbooks%2f1/" + enc(subscriber).replace("%3A", "%3a");
            String goStyle = api + "https:%2F%2Fexample.com%2Fbooks%2F1/" + subscriber;
            for (String path : List.of(id, lower, goStyle)) {
                HttpResponse<String> found = get(path, all);
                assertEquals(200, found.statusCode(), path + ": " + found.body());
                assertEquals(id, json(found.body()).get("id"), path);
            }
            assertEquals(200, get(lower, WATCHER).statusCode(), "the token's template covers the URL as requested");
            // & and + are legal in a path segment and stand for themselves there.
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> listed = (List<Map<String, Object>>) json(get(api + "a&b+c", all).body()).get("subscriptions");
            assertEquals(List.of("a&b+c"), listed.stream().map(s -> s.get("topic")).toList());
            HttpResponse<String> malformed = get(api + "%FF/" + enc(subscriber), all);
            assertEquals(400, malformed.statusCode());
            assertEquals("the path segment \"topic\" is not validly percent-encoded UTF-8\n", malformed.body());
            // A cache may keep a 404 unless told not to, and would then hide a subscription that comes later.
            HttpResponse<String> gone = get(api + "nobody/" + enc(subscriber), all);
            assertEquals(404, gone.statusCode());
            for (HttpResponse<String> refused : List.of(malformed, gone)) {
                assertEquals("private, must-revalidate", refused.headers().firstValue("Cache-Control").orElse(null),
                        refused.statusCode() + " " + refused.body());
            }
        }
    }

    @Test
    void aSubscriberRefusedWith503IsNeverAnnounced() throws Exception {
        String aboutRefused = "/.well-known/mercure/subscriptions/refused/{subscriber}";
        try (HubFixture full = new HubFixture(Broadcaster.builder().maxSubscribers(1).build(), options());
             Stream watcher = full.subscribe("topic=" + enc(aboutRefused) + "&topic=marker", "Authorization", "Bearer "
                     + Tokens.hs256("{\"mercure\":{\"subscribe\":[\"" + aboutRefused + "\"]}}"))) {
            try (Stream refused = full.subscribe("topic=refused")) {
                assertEquals(503, refused.status());
            }
            full.published(Tokens.hs256(Tokens.claims("[\"*\"]", "[]")), "topic", "marker", "data", "marker");
            assertEquals("marker", watcher.next().data(), "no subscription event comes before the marker");
        }
    }

    @Test
    void aHeadIsAnsweredButNeverAnnouncedNorListed() throws Exception {
        String aboutProbe = "/.well-known/mercure/subscriptions/probe/{subscriber}";
        try (Stream watcher = hub.subscribe("topic=" + enc(aboutProbe) + "&topic=marker", "Authorization", "Bearer "
                + Tokens.hs256("{\"mercure\":{\"subscribe\":[\"" + aboutProbe + "\"]}}"))) {
            assertEquals(200, RawClient.exchange(hub.port, "HEAD", "/.well-known/mercure?topic=probe", null).status());
            hub.published(Tokens.hs256(Tokens.claims("[\"*\"]", "[]")), "topic", "marker", "data", "marker");
            assertEquals("marker", watcher.next().data(), "no subscription event comes before the marker");
            assertEquals(List.of(), json(get("/.well-known/mercure/subscriptions/probe", WATCHER).body()).get("subscriptions"));
        }
    }

    @Test
    void theDiscoveryLinkNamesTheHub() {
        assertEquals("<https://example.com/.well-known/mercure>; rel=\"mercure\"", Mercure.link("https://example.com/.well-known/mercure"));
        for (String bad : List.of("https://x/>; rel=evil", "a b", "")) {
            try {
                Mercure.link(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("hubUrl"));
            }
        }
    }
}

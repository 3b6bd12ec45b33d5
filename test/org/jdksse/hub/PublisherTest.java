package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;
import org.jdksse.Update;
import org.jdksse.SseEvent;
import org.jdksse.testing.FakeExchange;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who may publish, tested through the hub's router with hand-made exchanges (remote addresses no
 * test can connect from), and the strict form decoding.
 */
class PublisherTest {
    /** A documentation address (RFC 5737): nothing is ever sent to it. */
    private static final String REMOTE = "192.0.2.1";

    private static FakeExchange publishFrom(String remote) throws Exception {
        return new FakeExchange("POST", "/events?topic=t", remote, "data=x")
                .header("Content-Type", "application/x-www-form-urlencoded");
    }

    private static Hub start(String... flags) throws Exception {
        String[] args = java.util.Arrays.copyOf(flags, flags.length + 2);
        args[flags.length] = "--port";
        args[flags.length + 1] = "0";
        return Hub.start(HubOptions.parse(args, Map.of()));
    }

    @Test
    void nonLoopbackPublisherWithoutATokenIsRefused403() throws Exception {
        Hub hub = start();
        try {
            FakeExchange exchange = publishFrom(REMOTE);
            hub.handler().handle(exchange);
            assertEquals(403, exchange.status());
            assertTrue(exchange.body().startsWith("publishing is open to loopback clients only"), exchange.body());
            assertTrue(exchange.closed());
            assertEquals(0, hub.broadcaster().stats().published());
        } finally {
            hub.stop();
        }
    }

    @Test
    void loopbackPublishersWithoutATokenAreAccepted() throws Exception {
        // The control for the test above: the same exchange from loopback publishes.
        Hub hub = start();
        try {
            for (String loopback : List.of("127.0.0.1", "127.8.9.10", "::1")) {
                FakeExchange exchange = publishFrom(loopback);
                hub.handler().handle(exchange);
                assertEquals(200, exchange.status(), loopback + ": " + exchange.body());
            }
            assertEquals(3, hub.broadcaster().stats().published());
        } finally {
            hub.stop();
        }
    }

    @Test
    void aPageFromAnotherOriginMayNotPublishWithoutATokenThoughItsBrowserIsOnLoopback() throws Exception {
        // Any site's page can post to this machine through its visitor's browser; the browser says
        // where the page comes from, and only the hub's own pages and the opted-in origins may.
        Hub hub = start("--cors-origin", "https://app.example");
        try {
            for (String[] page : List.of(new String[] {"Origin", "https://evil.example"}, new String[] {"Origin", "null"},
                    new String[] {"Referer", "https://evil.example/page"}, new String[] {"Origin", "http://127.0.0.1:9"})) {
                FakeExchange exchange = publishFrom("127.0.0.1").header("Host", "127.0.0.1:8080").header(page[0], page[1]);
                hub.handler().handle(exchange);
                assertEquals(403, exchange.status(), page[0] + ": " + page[1]);
                assertTrue(exchange.body().startsWith("a page from "), exchange.body());
            }
            assertEquals(0, hub.broadcaster().stats().published());
            for (String[] page : List.of(new String[] {"Origin", "http://127.0.0.1:8080"}, new String[] {"Origin", "https://app.example"},
                    new String[] {"Referer", "http://127.0.0.1:8080/"}, new String[] {"X-None", "a command-line client names no page"})) {
                FakeExchange exchange = publishFrom("127.0.0.1").header("Host", "127.0.0.1:8080").header(page[0], page[1]);
                hub.handler().handle(exchange);
                assertEquals(200, exchange.status(), page[0] + ": " + page[1] + ": " + exchange.body());
            }
            assertEquals(4, hub.broadcaster().stats().published());
            // DNS rebinding: another site's name resolved to 127.0.0.1 makes its page same-origin.
            for (String host : List.of("rebind.attacker.example:8080", "127.0.0.1.attacker.example", "[2001:db8::1]:8080")) {
                FakeExchange rebound = publishFrom("127.0.0.1").header("Host", host).header("Origin", "http://" + host);
                hub.handler().handle(rebound);
                assertEquals(403, rebound.status(), host);
            }
            for (String host : List.of("localhost:8080", "LOCALHOST", "127.8.9.10:1", "[::1]:8080", "app.localhost:3000")) {
                FakeExchange local = publishFrom("127.0.0.1").header("Host", host).header("Origin", "http://" + host);
                hub.handler().handle(local);
                assertEquals(200, local.status(), host + ": " + local.body());
            }
            // A tool names no page: its Host is whatever it was told to connect to.
            FakeExchange tool = publishFrom("127.0.0.1").header("Host", "x");
            hub.handler().handle(tool);
            assertEquals(200, tool.status(), tool.body());
        } finally {
            hub.stop();
        }
    }

    @Test
    void aFormWithoutDataIsRefusedWithHowToSendARawBody() throws Exception {
        // What `curl -d hello` sends: a form whose only field is named "hello".
        Hub hub = start();
        try {
            FakeExchange form = new FakeExchange("POST", "/events?topic=t", "127.0.0.1", "hello")
                    .header("Content-Type", "application/x-www-form-urlencoded");
            hub.handler().handle(form);
            assertEquals(400, form.status(), form.body());
            assertTrue(form.body().contains("data is required") && form.body().contains("Content-Type: text/plain"),
                    form.body());
            assertEquals(0, hub.broadcaster().stats().published());

            FakeExchange raw = new FakeExchange("POST", "/events?topic=t", "127.0.0.1", "hello")
                    .header("Content-Type", "text/plain");
            hub.handler().handle(raw);
            assertEquals(200, raw.status(), raw.body());
            assertEquals(1, hub.broadcaster().stats().published());
        } finally {
            hub.stop();
        }
    }

    @Test
    void eventsCannotBePublishedIntoTheMercureHubsOwnNamespace() throws Exception {
        // Mercure subscribers of presence would take them for the hub's subscription events.
        Hub hub = start();
        try {
            FakeExchange exchange = new FakeExchange("POST", "/events?topic=%2F.well-known%2Fmercure%2Fsubscriptions%2Fa%2Fb",
                    "127.0.0.1", "{\"active\":false}");
            hub.handler().handle(exchange);
            assertEquals(403, exchange.status(), exchange.body());
            assertEquals(0, hub.broadcaster().stats().published());
        } finally {
            hub.stop();
        }
    }

    @Test
    void aPublishWhileTheHubShutsDownIsRefused503NotAcknowledged() throws Exception {
        Hub hub = start();
        try {
            hub.broadcaster().close(java.time.Duration.ZERO); // as stop() does first
            FakeExchange exchange = publishFrom("127.0.0.1");
            hub.handler().handle(exchange);
            assertEquals(503, exchange.status(), exchange.body());
            assertEquals("the hub is shutting down; retry", exchange.body().strip());
        } finally {
            hub.stop();
        }
    }

    @Test
    void nonLoopbackPublisherNeedsTheTokenWhenOneIsConfigured() throws Exception {
        Hub hub = start("--publish-token", "s3cret");
        try {
            FakeExchange without = publishFrom(REMOTE);
            hub.handler().handle(without);
            assertEquals(401, without.status());
            FakeExchange loopbackWithout = publishFrom("127.0.0.1");
            hub.handler().handle(loopbackWithout);
            assertEquals(401, loopbackWithout.status(), "a token binds loopback clients too");
            assertEquals(0, hub.broadcaster().stats().published());

            FakeExchange with = publishFrom(REMOTE).header("Authorization", "Bearer s3cret");
            hub.handler().handle(with);
            assertEquals(200, with.status(), with.body());
            FakeExchange lowerCaseScheme = publishFrom(REMOTE).header("Authorization", "bearer s3cret");
            hub.handler().handle(lowerCaseScheme);
            assertEquals(200, lowerCaseScheme.status(), "the scheme name is case-insensitive (RFC 9110)");
            assertEquals(2, hub.broadcaster().stats().published());
        } finally {
            hub.stop();
        }
    }

    @Test
    void topicNamesMustBeShortNonEmptyAndFreeOfControlCharacters() {
        Broadcaster broadcaster = Broadcaster.builder().log(EventLog.inMemory(1000, 1 << 20, 1)).build();
        try {
            assertEquals("1", broadcaster.publish("prices/AAPL é 😀", SseEvent.of("x")));
            assertEquals("2", broadcaster.publish("a".repeat(Update.MAX_TOPIC_LENGTH), SseEvent.of("x")));
            var empty = assertThrows(IllegalArgumentException.class, () -> broadcaster.publish("", SseEvent.of("x")));
            assertEquals("topic must not be empty", empty.getMessage());
            var tooLong = assertThrows(IllegalArgumentException.class,
                    () -> broadcaster.publish("a".repeat(Update.MAX_TOPIC_LENGTH + 1), SseEvent.of("x")));
            assertTrue(tooLong.getMessage().startsWith("topic must be at most"));
            for (String bad : List.of("a\nb", "a\rb", "a\u0000", "\u007f", "\u0085")) {
                var e = assertThrows(IllegalArgumentException.class, () -> broadcaster.publish(bad, SseEvent.of("x")), bad);
                assertTrue(e.getMessage().startsWith("topic must not contain control characters"), bad);
            }
            assertEquals(2, broadcaster.stats().published(), "refused topics publish nothing");
        } finally {
            broadcaster.close();
        }
    }
}

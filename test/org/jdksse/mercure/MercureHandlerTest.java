package org.jdksse.mercure;

import static org.jdksse.mercure.HubFixture.enc;
import static org.jdksse.mercure.HubFixture.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.jdksse.mercure.HubFixture.Event;
import org.jdksse.mercure.HubFixture.Stream;
import org.jdksse.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MercureHandlerTest {
    static final String BOOKS = "https://example.com/books/{id}";
    static final String PUBLISHER = Tokens.hs256(Tokens.claims("[\"*\"]", "[]"));
    /** May read private updates of book 1 only. */
    static final String READER_OF_1 = Tokens.hs256(Tokens.claims("[]", "[\"https://example.com/books/1\"]"));
    static final String READER_OF_ALL = Tokens.hs256(Tokens.claims("[]", "[\"*\"]"));

    HubFixture hub;

    @BeforeEach
    void start() throws Exception {
        TokenVerifier key = TokenVerifier.of("HS256", Tokens.SECRET);
        hub = new HubFixture(MercureOptions.builder().publisherKey(key).subscriberKey(key).anonymous(true).build());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Stream books(String... headers) throws Exception {
        return hub.subscribe("topic=" + enc(BOOKS), headers);
    }

    private String marker() throws Exception {
        return hub.published(PUBLISHER, "topic", "https://example.com/books/marker", "data", "marker");
    }

    @Test
    void everyPublishFieldReachesTheSubscriber() throws Exception {
        try (Stream s = hub.subscribe("topic=" + enc("https://example.com/books/1"))) {
            assertEquals(200, s.status());
            assertTrue(s.header("Content-Type").startsWith("text/event-stream"));
            String id = hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "line 1\nline 2",
                    "id", "urn:uuid:1", "type", "changed", "retry", "1500");
            assertEquals("urn:uuid:1", id);
            assertEquals(new Event("changed", "urn:uuid:1", "line 1\nline 2", "1500"), s.next());
        }
    }

    @Test
    void anUpdateWithoutIdDataOrTypeGetsTheHubsIdAndEmptyData() throws Exception {
        try (Stream s = hub.subscribe("topic=a")) {
            HttpResponse<String> response = hub.publish(PUBLISHER, form("topic", "a"));
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
            assertEquals(new Event("message", response.body(), "", null), s.next());
        }
    }

    @Test
    void anEmptyIdIsNoIdAndTheHubAssignsOne() throws Exception {
        try (Stream s = hub.subscribe("topic=a")) {
            HttpResponse<String> response = hub.publish(PUBLISHER, form("topic", "a", "data", "x", "id", ""));
            assertEquals(200, response.statusCode(), response.body());
            assertFalse(response.body().isEmpty());
            assertEquals(new Event("message", response.body(), "x", null), s.next());
        }
    }

    @Test
    void anEmptyRetryIsNoRetry() throws Exception {
        try (Stream s = hub.subscribe("topic=a")) {
            HttpResponse<String> response = hub.publish(PUBLISHER, form("topic", "a", "data", "x", "retry", ""));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(new Event("message", response.body(), "x", null), s.next());
        }
    }

    @Test
    void aTemplatedSubscriberReceivesMatchingTopicsOnly() throws Exception {
        try (Stream s = books()) {
            hub.published(PUBLISHER, "topic", "https://example.com/books/1/reviews", "data", "no");
            hub.published(PUBLISHER, "topic", "https://example.com/authors/1", "data", "no");
            hub.published(PUBLISHER, "topic", "https://example.com/books/2", "data", "yes");
            assertEquals("yes", s.next().data());
        }
    }

    @Test
    void anUpdateOfSeveralTopicsReachesASubscriberOfSeveralOfThemOnce() throws Exception {
        try (Stream s = hub.subscribe("topic=a&topic=b&topic=" + enc(BOOKS))) {
            hub.published(PUBLISHER, "topic", "a", "topic", "b", "topic", "https://example.com/books/3", "data", "once");
            hub.published(PUBLISHER, "topic", "b", "data", "next");
            assertEquals("once", s.next().data());
            assertEquals("next", s.next().data());
        }
    }

    @Test
    void aPrivateUpdateReachesLiveOnlySubscribersWhoseClaimsMatchOneOfItsTopics() throws Exception {
        try (Stream anonymous = books();
             Stream otherBook = books("Authorization", "Bearer " + Tokens.hs256(Tokens.claims("[]", "[\"https://example.com/books/2\"]")));
             Stream allowed = books("Authorization", "Bearer " + READER_OF_1);
             Stream viaAlternate = books("Authorization", "Bearer "
                     + Tokens.hs256(Tokens.claims("[]", "[\"https://example.com/users/foo/{?topic}\"]")))) {
            String alternate = "https://example.com/users/foo/?topic=" + enc("https://example.com/books/1");
            hub.published(PUBLISHER, "topic", "https://example.com/books/1", "topic", alternate, "data", "secret", "private", "on");
            marker();
            assertEquals("marker", anonymous.next().data());
            assertEquals("marker", otherBook.next().data());
            assertEquals("secret", allowed.next().data());
            assertEquals("secret", viaAlternate.next().data());
        }
    }

    @Test
    void theStatisticsCountAnAuthorizedSubscriberButNeverNameItsTopics() throws Exception {
        String inbox = "https://example.com/users/alice/inbox";
        try (Stream alice = hub.subscribe("topic=" + enc(inbox), "Authorization", "Bearer "
                    + Tokens.hs256(Tokens.claims("[]", "[\"" + inbox + "\"]")));
             Stream anonymous = hub.subscribe("topic=" + enc("https://example.com/books/1"))) {
            assertEquals(200, alice.status());
            assertEquals(200, anonymous.status());
            var stats = hub.broadcaster.stats();
            assertEquals(2, stats.subscribers());
            assertEquals(java.util.Map.of("https://example.com/books/1", 1), stats.topics(), "whoever reads /stats learns of no inbox");
        }
    }

    @Test
    void aPrivateUpdateIsNeverReplayedToASubscriberWithoutTheClaim() throws Exception {
        String secret = hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "secret", "private", "");
        marker();
        try (Stream anonymous = hub.subscribe("topic=" + enc(BOOKS) + "&lastEventID=earliest");
             Stream allowed = hub.subscribe("topic=" + enc(BOOKS) + "&lastEventID=earliest", "Authorization", "Bearer " + READER_OF_1)) {
            assertEquals("marker", anonymous.next().data());
            Event first = allowed.next();
            assertEquals(secret, first.id());
            assertEquals("secret", first.data());
            assertEquals("marker", allowed.next().data());
        }
    }

    @Test
    void aPrivateUpdatesIdIsUnknownToASubscriberWhoMayNotReadItThoughItsPositionResumes() throws Exception {
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "secret", "id", "urn:uuid:secret", "private", "on");
        String cursor;
        try (Stream fresh = books()) {
            cursor = fresh.header("Last-Event-ID");
        }
        try (Stream unknown = books("Last-Event-ID", "urn:uuid:never");
             Stream hidden = books("Last-Event-ID", "urn:uuid:secret");
             Stream allowed = books("Last-Event-ID", "urn:uuid:secret", "Authorization", "Bearer " + READER_OF_1);
             Stream fromCursor = books("Last-Event-ID", cursor)) {
            marker();
            for (Stream s : List.of(unknown, hidden)) {
                assertEquals("earliest", s.header("Last-Event-ID"));
                Event reset = s.next();
                assertEquals(List.of("reset", "unknown"), List.of(reset.type(), reset.data()));
                assertEquals("marker", s.next().data());
            }
            assertEquals("urn:uuid:secret", allowed.header("Last-Event-ID"));
            assertEquals("marker", allowed.next().data());
            // The position a fresh subscriber was given names no private update, and resumes.
            assertEquals("marker", fromCursor.next().data());
        }
    }

    @Test
    void earliestReplaysEverythingKeptForTheSelectors() throws Exception {
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "one");
        hub.published(PUBLISHER, "topic", "elsewhere", "data", "not mine");
        hub.published(PUBLISHER, "topic", "https://example.com/books/2", "data", "two");
        try (Stream s = books("Last-Event-ID", "earliest")) {
            assertNotNull(s.header("Last-Event-ID"));
            assertEquals("one", s.next().data());
            assertEquals("two", s.next().data());
        }
    }

    @Test
    void aSubscriberResumesAfterAPublishersOwnIdAndTheHeaderWinsOverTheQuery() throws Exception {
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "one", "id", "urn:uuid:a");
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "two", "id", "urn:uuid:b");
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "three", "id", "urn:uuid:c");
        try (Stream s = hub.subscribe("topic=" + enc(BOOKS) + "&lastEventID=urn:uuid:b", "Last-Event-ID", "urn:uuid:a")) {
            assertEquals(new Event("message", "urn:uuid:b", "two", null), s.next());
            assertEquals(new Event("message", "urn:uuid:c", "three", null), s.next());
        }
        try (Stream s = hub.subscribe("topic=" + enc(BOOKS) + "&lastEventID=urn:uuid:b")) {
            assertEquals("urn:uuid:c", s.next().id());
        }
        // An empty header says nothing: the query's id still resumes.
        try (RawClient empty = RawClient.get(hub.port, "/.well-known/mercure?topic=" + enc(BOOKS) + "&lastEventID=urn:uuid:b",
                "Last-Event-ID: ")) {
            assertEquals(200, empty.status());
            assertTrue(empty.readUntil("data: three").contains("id: urn:uuid:c"));
        }
    }

    @Test
    void aNonAsciiIdResumesFromTheHeaderAsFromTheQuery() throws Exception {
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "one", "id", "urn:日本:1");
        hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "two", "id", "urn:日本:2");
        // A browser sends the id it last saw as UTF-8 bytes; RawClient writes its head so.
        try (RawClient viaHeader = RawClient.get(hub.port, "/.well-known/mercure?topic=" + enc(BOOKS), "Last-Event-ID: urn:日本:1")) {
            assertEquals(200, viaHeader.status());
            String text = viaHeader.readUntil("data: two");
            assertFalse(text.contains("reset"), text);
        }
        try (Stream s = hub.subscribe("topic=" + enc(BOOKS) + "&lastEventID=" + enc("urn:日本:1"))) {
            assertEquals("two", s.next().data());
        }
    }

    @Test
    void anIdAlreadyInTheHistoryIsRefusedWith409AndNothingIsPublished() throws Exception {
        try (Stream s = hub.subscribe("topic=a")) {
            hub.published(PUBLISHER, "topic", "a", "id", "urn:uuid:same", "data", "first");
            HttpResponse<String> again = hub.publish(PUBLISHER, form("topic", "a", "id", "urn:uuid:same", "data", "second"));
            assertEquals(409, again.statusCode());
            assertTrue(again.body().contains("urn:uuid:same"), again.body());
            hub.published(PUBLISHER, "topic", "a", "data", "third");
            assertEquals("first", s.next().data());
            assertEquals("third", s.next().data());
        }
    }

    @Test
    void invalidFieldsAreRefusedWithTheirName() throws Exception {
        record Case(String body, String field) { }
        for (Case c : List.of(new Case(form("data", "x"), "topic"), new Case(form("topic", "a", "retry", "soon"), "retry"),
                new Case(form("topic", "a", "id", "#frag"), "id"), new Case(form("topic", "a", "type", "a\nb"), "event"),
                new Case(form("topic", "a", "data", "x", "data", "y"), "data"), new Case("topic=a&data=%zz", "percent"),
                new Case("topic=a" + "&topic=b".repeat(MercureHandler.MAX_SELECTORS), "topic"))) {
            HttpResponse<String> response = hub.publish(PUBLISHER, c.body());
            assertEquals(400, response.statusCode(), c.body());
            assertTrue(response.body().contains(c.field()), response.body());
        }
    }

    @Test
    void aPublisherNeedsAValidTokenCoveringEveryTopic() throws Exception {
        HttpResponse<String> none = hub.publish(null, form("topic", "a", "data", "x"));
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"mercure\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<String> forged = hub.publish(Tokens.hs256("wrong", "{\"alg\":\"HS256\"}", Tokens.claims("[\"*\"]", "[]")),
                form("topic", "a", "data", "x"));
        assertEquals(401, forged.statusCode());
        assertEquals("the token's signature does not verify\n", forged.body());
        String booksOnly = Tokens.hs256(Tokens.claims("[\"" + BOOKS + "\"]", "[]"));
        assertEquals(200, hub.publish(booksOnly, form("topic", "https://example.com/books/1", "data", "x")).statusCode());
        HttpResponse<String> partly = hub.publish(booksOnly, form("topic", "https://example.com/books/1", "topic", "other", "data", "x"));
        assertEquals(403, partly.statusCode());
        assertTrue(partly.body().contains("\"other\""), partly.body());
        String subscriberOnly = READER_OF_ALL;
        assertEquals(403, hub.publish(subscriberOnly, form("topic", "a", "data", "x")).statusCode());
    }

    @Test
    void theTokenMayComeFromTheQueryOrTheCookieAndTheHeaderWins() throws Exception {
        String secret = hub.published(PUBLISHER, "topic", "https://example.com/books/1", "data", "secret", "private", "on");
        marker();
        String query = "topic=" + enc(BOOKS) + "&lastEventID=earliest";
        try (Stream byQuery = hub.subscribe(query + "&authorization=" + READER_OF_1);
             Stream byCookie = hub.subscribe(query, "Cookie", "other=1; mercureAuthorization=" + READER_OF_1);
             Stream headerWins = hub.subscribe(query + "&authorization=" + READER_OF_1, "Authorization", "Bearer "
                     + Tokens.hs256(Tokens.claims("[]", "[]")))) {
            assertEquals(secret, byQuery.next().id());
            assertEquals(secret, byCookie.next().id());
            assertEquals("marker", headerWins.next().data());
        }
    }

    @Test
    void aStreamIsPrivateForCachesWhereverItsTokenCameFrom() throws Exception {
        String query = "topic=" + enc(BOOKS);
        try (Stream byQuery = hub.subscribe(query + "&authorization=" + READER_OF_1);
             Stream byCookie = hub.subscribe(query, "Cookie", "mercureAuthorization=" + READER_OF_1);
             Stream byHeader = books("Authorization", "Bearer " + READER_OF_1);
             Stream anonymous = books()) {
            for (Stream s : List.of(byQuery, byCookie, byHeader, anonymous)) {
                assertEquals(200, s.status());
                assertEquals("private, no-cache, no-store, must-revalidate, max-age=0", s.header("Cache-Control"));
            }
        }
    }

    @Test
    void aBadSubscriberTokenIs401EvenWhenAnonymousSubscribersAreServed() throws Exception {
        try (Stream s = books("Authorization", "Bearer " + Tokens.hs256(Tokens.claims("[]", "[\"*\"]")) + "x")) {
            assertEquals(401, s.status());
            assertEquals("Bearer realm=\"mercure\"", s.header("WWW-Authenticate"));
            assertEquals("the token's signature does not verify\n", s.text());
        }
        try (Stream s = books("Authorization", "Bearer " + Tokens.hs256("{\"exp\":" + (Instant.now().getEpochSecond() - 10) + "}"))) {
            assertEquals(401, s.status());
            assertEquals("the token has expired\n", s.text());
        }
    }

    @Test
    void withoutAnonymousASubscriberWithoutTokenIs401() throws Exception {
        TokenVerifier key = TokenVerifier.of("HS256", Tokens.SECRET);
        try (HubFixture strict = new HubFixture(MercureOptions.builder().subscriberKey(key).build());
             Stream s = strict.subscribe("topic=a")) {
            assertEquals(401, s.status());
            assertTrue(s.text().startsWith("subscribing needs a JWT"));
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpires() throws Exception {
        String shortLived = Tokens.hs256("{\"exp\":" + (Instant.now().getEpochSecond() + 2) + ",\"mercure\":{\"subscribe\":[\"*\"]}}");
        try (Stream s = books("Authorization", "Bearer " + shortLived)) {
            assertEquals(200, s.status());
            assertNull(s.next()); // the hub ends the stream at exp; the client would reconnect with a fresh token
        }
    }

    @Test
    void aCookieAuthorizedPublishMustComeFromTheHubsOrigin() throws Exception {
        String origin = "http://127.0.0.1:" + hub.server.getAddress().getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(hub.uri("/.well-known/mercure"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "mercureAuthorization=" + PUBLISHER)
                .POST(HttpRequest.BodyPublishers.ofString(form("topic", "a", "data", "x")));
        assertEquals(403, hub.client.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        request.header("Origin", "https://evil.example");
        assertEquals(403, hub.client.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        request.setHeader("Origin", origin);
        assertEquals(200, hub.client.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void subscribingNeedsATopicAndOtherMethodsAre405() throws Exception {
        try (Stream s = hub.subscribe("x=1")) {
            assertEquals(400, s.status());
            assertTrue(s.text().startsWith("topic is required"));
        }
        HttpResponse<String> put = hub.client.send(HttpRequest.newBuilder(hub.uri("/.well-known/mercure"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, put.statusCode());
        assertEquals("GET, HEAD, POST", put.headers().firstValue("Allow").orElse(null));
        HttpResponse<String> other = hub.client.send(HttpRequest.newBuilder(hub.uri("/.well-known/mercure/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
    }

    @Test
    void aHeadGetsTheHeadersOfTheStreamAGetWouldOpenWithoutBodyOrSubscriber() throws Exception {
        String target = "/.well-known/mercure?topic=" + enc(BOOKS) + "&authorization=" + READER_OF_1;
        RawClient.Response head = RawClient.exchange(hub.port, "HEAD", target, null);
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(0, hub.broadcaster.stats().subscribers());
        try (RawClient get = RawClient.get(hub.port, target)) {
            for (String name : List.of("Content-Type", "Cache-Control", "X-Accel-Buffering")) {
                assertEquals(get.header(name), head.header(name), name);
            }
        }
        // Refused as a GET would be, headers only.
        assertEquals(400, RawClient.exchange(hub.port, "HEAD", "/.well-known/mercure", null).status());
        assertEquals(401, RawClient.exchange(hub.port, "HEAD", target + "x", null).status());
    }

    @Test
    void withoutAPublisherKeyALoopbackClientPublishesWithoutToken() throws Exception {
        try (HubFixture open = new HubFixture(MercureOptions.builder().build());
             Stream s = open.subscribe("topic=a")) {
            open.published(null, "topic", "a", "data", "from loopback");
            assertEquals("from loopback", s.next().data());
            // But not a page from another site, which any browser on this machine can post from.
            HttpResponse<String> page = open.client.send(HttpRequest.newBuilder(open.uri("/.well-known/mercure"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(form("topic", "a", "data", "forged"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, page.statusCode(), page.body());
            assertTrue(page.body().startsWith("a page from another origin may not publish"), page.body());
            open.published(null, "topic", "a", "data", "still from loopback");
            assertEquals("still from loopback", s.next().data(), "the forged update was never published");
        }
    }
}

package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdksse.testing.Await;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcaster over real sockets: who receives what, in which order, with which ids, and what
 * a bad request or argument gets ({@link BroadcasterFixture}).
 */
class BroadcasterTest extends BroadcasterFixture {
    @Test
    void thousandSubscribersOnThreeTopicsReceiveEveryEventOfTheirTopicInOrderAndNoneOfTheOthers() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        int subscribers = 1000;
        int perTopic = 200;
        List<Future<List<Event>>> received = new ArrayList<>();
        CountDownLatch joined = new CountDownLatch(subscribers);
        for (int i = 0; i < subscribers; i++) {
            String topic = "t" + (i % 3);
            received.add(threads.submit(() -> {
                RawClient client = join(port, "?topic=" + topic);
                joined.countDown();
                List<Event> events = new ArrayList<>();
                for (Event e; !"end".equals((e = client.next()).type()); ) {
                    events.add(e);
                }
                return events;
            }));
        }
        assertTrue(joined.await(60, TimeUnit.SECONDS), "all subscribed");
        assertEquals(Map.of("t0", 334, "t1", 333, "t2", 333), broadcaster.stats().topics());
        Map<String, List<String>> ids = new HashMap<>();
        for (int k = 0; k < perTopic; k++) {
            for (int t = 0; t < 3; t++) {
                String id = broadcaster.publish("t" + t, SseEvent.of("t" + t + ":" + k));
                ids.computeIfAbsent("t" + t, x -> new ArrayList<>()).add(id);
            }
        }
        for (int t = 0; t < 3; t++) {
            broadcaster.publish("t" + t, SseEvent.of("end", ""));
        }
        for (int i = 0; i < subscribers; i++) {
            String topic = "t" + (i % 3);
            List<Event> events = received.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(perTopic, events.size(), "events of subscriber " + i);
            for (int k = 0; k < perTopic; k++) {
                assertEquals(topic + ":" + k, events.get(k).data());
                assertEquals(ids.get(topic).get(k), events.get(k).lastEventId());
            }
        }
        // Each subscriber got its welcome, its topic's events and the end marker.
        Await.value("delivered counted", Duration.ofSeconds(10), () -> broadcaster.stats().delivered(),
                n -> n == (long) subscribers * (perTopic + 2));
        Broadcaster.Stats stats = broadcaster.stats();
        assertEquals(3 * perTopic + 3, stats.published());
        assertEquals(Map.of("slow", 0L, "stalled", 0L, "failed", 0L), stats.dropped());
    }

    @Test
    void resumeReplaysExactlyTheEventsAfterTheIdThenLiveOnesWhileAPublisherRuns() throws Exception {
        int maxEvents = 1_000_000;
        int port = serve(Broadcaster.builder().log(EventLog.inMemory(2 * maxEvents, 1L << 30, 1))
                .queueEvents(2 * maxEvents).queueBytes(1L << 30));
        ChainedResume run = ChainedResume.start(broadcaster, threads, maxEvents);
        Await.value("publisher started", Duration.ofSeconds(10), run::published, n -> n > 1000);
        int perClient = 2000;
        List<Event> seen = run.read(after -> after == null ? join(port, "?topic=t")
                : join(port, "?topic=t", "Last-Event-ID: " + after), perClient, Duration.ofSeconds(10));
        run.assertEveryEventOnceInOrder(seen);
        assertTrue(seen.size() - perClient >= 10_000, "events after the resume: " + (seen.size() - perClient));
        Map<String, Long> dropped = broadcaster.stats().dropped();
        assertEquals(0L, dropped.get("slow"), "none dropped as slow");
        assertEquals(0L, dropped.get("stalled"), "none stalled");
        // Each client but the last hung up while events flowed: at most that many failed writes.
        assertTrue(dropped.get("failed") <= 6, dropped.toString());
    }

    @Test
    void resumeFromAnIdInTheHistoryReplaysTheEventsAfterItBeforeLiveOnes() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        for (int k = 1; k <= 5; k++) {
            broadcaster.publish("t", SseEvent.of("e" + k));
            broadcaster.publish("u", SseEvent.of("other" + k));
        }
        RawClient client = join(port, "?topic=t&lastEventId=3", "Last-Event-ID: "); // an empty header says nothing
        broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("message", "e3", "5"), client.next());
        assertEquals(new Event("message", "e4", "7"), client.next());
        assertEquals(new Event("message", "e5", "9"), client.next());
        assertEquals(new Event("message", "live", "11"), client.next());
    }

    @Test
    void expiredIdGetsResetFirstThenOnlyLiveEvents() throws Exception {
        Broadcaster.Builder builder = Broadcaster.builder().log(EventLog.inMemory(5, 4L << 20, 1));
        int port = serveWithoutWelcome(builder);
        for (int k = 1; k <= 10; k++) {
            broadcaster.publish("t", SseEvent.of("e" + k));
        }
        RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: 4");
        Event reset = client.next();
        broadcaster.publish("t", SseEvent.of("live"));
        assertEquals(new Event("reset", "expired", "10"), reset);
        assertEquals(new Event("message", "live", "11"), client.next());
    }

    @Test
    void unknownIdsGetResetFirst() throws Exception {
        int port = serveWithoutWelcome(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("e1"));
        broadcaster.publish("t", SseEvent.of("e2"));
        for (String unknown : List.of("abc", "3", "999999999999999999999", "-1", "+1", "1.0", "0x1")) {
            RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: " + unknown);
            assertEquals(new Event("reset", "unknown", "2"), client.next(), "after " + unknown);
        }
        // The last id issued resumes with nothing to replay and no reset.
        RawClient upToDate = subscribe(port, "?topic=t", "Last-Event-ID: 2");
        broadcaster.publish("t", SseEvent.of("e3"));
        assertEquals(new Event("message", "e3", "3"), upToDate.next());
    }

    @Test
    void anUpdateOfTwoTopicsReachesASubscriberOfBothOnceAndPublishReturnsItsId() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient both = join(port, "?topic=a&topic=b");
        RawClient onlyB = join(port, "?topic=b");
        String id = broadcaster.publish(Update.of(List.of("a", "b"), SseEvent.of("news")));
        assertEquals("1", id);
        broadcaster.publish("b", SseEvent.of("marker"));
        assertEquals(new Event("message", "news", "1"), both.next());
        assertEquals(new Event("message", "marker", "2"), both.next(), "once, not once per topic");
        assertEquals(new Event("message", "news", "1"), onlyB.next());
        assertEquals("0", both.header("Last-Event-ID"), "the cursor when it joined: before the first id");
    }

    @Test
    void theCursorAPublicSubscriberIsToldIsAPositionNotTheIdOfAPrivateUpdate() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish(Update.of("t", SseEvent.builder().id("https://example.com/users/alice/secret").data("x").build()).asPrivate());
        RawClient joined = join(port, "?topic=t");
        assertEquals("1", joined.header("Last-Event-ID"));
        RawClient unknown = subscribe(port, "?topic=t", "Last-Event-ID: nope");
        assertEquals(new Event("reset", "unknown", "1"), unknown.next());
        // The position resumes as the id would: the next event, and nothing private before it.
        broadcaster.publish("t", SseEvent.of("after"));
        assertEquals(new Event("message", "after", "2"), join(port, "?topic=t", "Last-Event-ID: 1").next());
    }

    @Test
    void aServedInterestEndsAtItsExpiryWithAHintAndTheResponseNamesTheCursor() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("before"));
        server.createContext("/short", exchange -> broadcaster.serve(exchange,
                Interest.topics(java.util.Set.of("t")).until(java.time.Instant.now().plusMillis(300))));
        RawClient client = open(port, "/short");
        assertEquals(200, client.status());
        assertEquals("1", client.header("Last-Event-ID"), "the id of the last entry handed over");
        assertEquals("welcome", client.next().type());
        assertThrows(EOFException.class, client::next);
        assertEquals(Broadcaster.DEFAULT_RECONNECT.toMillis(), client.events().retry(), "the retry hint at expiry");
        assertTrue(client.endedCleanly());
    }

    @Test
    void aServedInterestExpiringCenturiesAheadIsServedLikeAnyOther() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        // A token whose exp is 9999-12-31: beyond what a long holds in nanoseconds from now.
        server.createContext("/far", exchange -> broadcaster.serve(exchange,
                Interest.topics(java.util.Set.of("t")).until(java.time.Instant.parse("9999-12-31T23:59:59Z"))));
        RawClient client = open(port, "/far");
        assertEquals(200, client.status());
        assertEquals("welcome", client.next().type());
        broadcaster.publish("t", SseEvent.of("x"));
        assertEquals(new Event("message", "x", "1"), client.next());
    }

    @Test
    void anIdBeyondLatin1ResumesAndComesBackInTheResponseHeaderAsUtf8() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish(Update.of("t", SseEvent.builder().id("日本-1").data("one").build()));
        broadcaster.publish("t", SseEvent.of("two"));
        RawClient client = join(port, "?topic=t", "Last-Event-ID: 日本-1");
        String header = client.header("Last-Event-ID"); // the head's bytes, one char each
        assertEquals("日本-1", new String(header.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        assertEquals(new Event("message", "two", "2"), client.next());
    }

    @Test
    void sendReachesOnlyTheNamedSubscriber() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient a = join(port, "?topic=t");
        RawClient b = join(port, "?topic=t");
        RawClient c = join(port, "?topic=u");
        assertTrue(broadcaster.send(subscriberId(b), SseEvent.of("direct", "for b")));
        assertFalse(broadcaster.send(424242, SseEvent.of("nobody")));
        broadcaster.publish("t", SseEvent.of("all t"));
        broadcaster.publish("u", SseEvent.of("all u"));
        assertEquals(new Event("message", "all t", "1"), a.next());
        assertEquals(new Event("direct", "for b", ""), b.next());
        assertEquals(new Event("message", "all t", "1"), b.next());
        assertEquals(new Event("message", "all u", "2"), c.next());
        assertEquals(2, broadcaster.stats().published(), "send is not a publish");
    }

    @Test
    void publishExceptReachesAllButOne() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        List<RawClient> room = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            room.add(join(port, "?topic=chat"));
        }
        RawClient sender = room.get(2);
        String id = broadcaster.publishExcept("chat", SseEvent.of("message", "hello"), subscriberId(sender));
        broadcaster.publish("chat", SseEvent.of("marker"));
        for (RawClient client : room) {
            if (client != sender) {
                assertEquals(new Event("message", "hello", id), client.next());
            }
            assertEquals("marker", client.next().data());
        }
    }

    @Test
    void onSubscribeEventArrivesFirstBeforeReplayAndLiveEvents() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        broadcaster.publish("t", SseEvent.of("old"));
        RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: 0");
        broadcaster.publish("t", SseEvent.of("new"));
        Event first = client.next();
        assertEquals("welcome", first.type());
        assertEquals("", first.lastEventId(), "the welcome gets no id, so the client's last id stays as it was");
        assertEquals(new Event("message", "old", "1"), client.next());
        assertEquals(new Event("message", "new", "2"), client.next());
    }

    @Test
    void otherMethodsGet405AndAnInvalidTopicGets400() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()));
        RawClient post = RawClient.send(port, "POST", "/events", new byte[0], "Connection: close");
        clients.add(post);
        assertEquals(405, post.status());
        assertEquals("GET, OPTIONS", post.header("Allow"));
        RawClient empty = subscribe(port, "?topic=");
        assertEquals(400, empty.status());
        assertEquals("topic must not be empty\n", empty.readToEnd());
        RawClient control = subscribe(port, "?topic=a%0Ab");
        assertEquals(400, control.status());
        assertEquals("topic must not contain control characters: \"a\\nb\"\n", control.readToEnd());
        RawClient tooLong = subscribe(port, "?topic=" + "t".repeat(Update.MAX_TOPIC_LENGTH + 1));
        assertEquals(400, tooLong.status());
        // Each topic is an entry in the fan-out's map and a line of the statistics: 64 at most.
        StringBuilder many = new StringBuilder("?topic=t0");
        for (int i = 1; i <= Admission.MAX_TOPICS; i++) {
            many.append("&topic=t").append(i);
        }
        RawClient tooMany = subscribe(port, many.toString());
        assertEquals(400, tooMany.status());
        assertEquals("topic is given more than 64 times\n", tooMany.readToEnd());
        assertEquals(0, broadcaster.stats().subscribers());
        RawClient sixtyFour = join(port, many.substring(0, many.lastIndexOf("&")));
        assertEquals(200, sixtyFour.status());
    }

    @Test
    void corsOriginsMayReadTheStream() throws Exception {
        int port = serve(Broadcaster.builder().log(firstIdOne()).options(SseOptions.defaults().withCorsOrigins("https://a.example")));
        RawClient allowed = join(port, "", "Origin: https://a.example");
        assertEquals("https://a.example", allowed.header("Access-Control-Allow-Origin"));
        RawClient other = join(port, "", "Origin: https://b.example");
        assertNull(other.header("Access-Control-Allow-Origin"));
    }

    @Test
    void badArgumentsAreRejectedNamingTheField() {
        Broadcaster b = Broadcaster.create();
        try {
            assertMessage("topic", assertThrows(IllegalArgumentException.class, () -> b.publish("", SseEvent.of("x"))));
            assertThrows(NullPointerException.class, () -> b.publish(null, SseEvent.of("x")));
            assertThrows(NullPointerException.class, () -> b.publish("t", null));
            assertThrows(NullPointerException.class, () -> b.send(1, null));
            assertMessage("grace", assertThrows(IllegalArgumentException.class, () -> b.close(Duration.ofSeconds(-1))));
        } finally {
            b.close();
        }
        Broadcaster.Builder builder = Broadcaster.builder();
        assertMessage("maxEvents", assertThrows(IllegalArgumentException.class, () -> EventLog.inMemory(-1, 1)));
        assertMessage("maxBytes", assertThrows(IllegalArgumentException.class, () -> EventLog.inMemory(1, -1)));
        assertMessage("queueEvents", assertThrows(IllegalArgumentException.class, () -> builder.queueEvents(0)));
        assertMessage("queueBytes", assertThrows(IllegalArgumentException.class, () -> builder.queueBytes(0)));
        assertMessage("maxSubscribers", assertThrows(IllegalArgumentException.class, () -> builder.maxSubscribers(0)));
        assertThrows(NullPointerException.class, () -> builder.options(null));
        assertThrows(NullPointerException.class, () -> builder.onSubscribe(null));
        assertThrows(NullPointerException.class, () -> builder.log(null));
        assertMessage("firstId", assertThrows(IllegalArgumentException.class, () -> EventLog.inMemory(1, 1, 0)));
    }

    @Test
    @Timeout(20)
    void aClientThatHasItsHeadersGetsEveryEventPublishedAfterThem() throws Exception {
        // A slow hook widens the window between accepting the request and going live: the
        // headers must not reach the client before the subscriber is in its topics.
        int port = serveWithoutWelcome(Broadcaster.builder().log(firstIdOne()).onSubscribe(sub -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        RawClient client = subscribe(port, "?topic=t");
        assertEquals(200, client.status());
        broadcaster.publish("t", SseEvent.of("right after the headers"));
        assertEquals(new Event("message", "right after the headers", "1"), client.next());
    }

    @Test
    void idsKeepIncreasingAcrossRestartsSoAnOldRunsIdGetsReset() throws Exception {
        Broadcaster earlier = Broadcaster.create();
        String earlierId;
        try {
            earlier.publish("t", SseEvent.of("a"));
            earlierId = earlier.publish("t", SseEvent.of("b"));
        } finally {
            earlier.close();
        }
        Thread.sleep(1);
        int port = serveWithoutWelcome(Broadcaster.builder());
        String first = broadcaster.publish("t", SseEvent.of("new run"));
        assertTrue(Long.parseLong(first) > Long.parseLong(earlierId), first + " should be above the earlier run's " + earlierId);
        RawClient client = subscribe(port, "?topic=t", "Last-Event-ID: " + earlierId);
        assertEquals(new Event("reset", "expired", first), client.next());
    }

    @Test
    void publishAssignsIncreasingIdsAcrossTopicsAndCountsWithNoSubscribers() {
        Broadcaster b = Broadcaster.builder().log(firstIdOne()).build();
        try {
            assertEquals("1", b.publish("a", SseEvent.of("1")));
            assertEquals("2", b.publish("b", SseEvent.builder().id("mine").data("2").build()));
            assertEquals("3", b.publish(SseEvent.of("3")));
            assertEquals(3, b.stats().published());
            assertEquals(0, b.stats().delivered());
        } finally {
            b.close();
        }
    }

    private static void assertMessage(String field, IllegalArgumentException e) {
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }
}

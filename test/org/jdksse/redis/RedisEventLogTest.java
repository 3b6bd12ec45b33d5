package org.jdksse.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jdksse.Entry;
import org.jdksse.EventLog;
import org.jdksse.EventLog.Gap;
import org.jdksse.EventLog.Replay;
import org.jdksse.SseEvent;
import org.jdksse.Update;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The Redis log against a real redis-server that the test starts on a free loopback port. */
class RedisEventLogTest extends RedisFixture {

    /** A sink that records, for tests to take from with a deadline. */
    static final class Recorder implements EventLog.Sink {
        final BlockingQueue<Entry> entries = new LinkedBlockingQueue<>();
        final BlockingQueue<String> lost = new LinkedBlockingQueue<>();

        @Override
        public void accept(Entry entry) {
            entries.add(entry);
        }

        @Override
        public void lost(String cursor) {
            lost.add(cursor);
        }

        Entry next() throws InterruptedException {
            Entry e = entries.poll(20, TimeUnit.SECONDS);
            assertNotNull(e, "no entry reached the sink within 20 s");
            return e;
        }

        String nextLost() throws InterruptedException {
            String cursor = lost.poll(20, TimeUnit.SECONDS);
            assertNotNull(cursor, "the sink heard no lost() within 20 s");
            return cursor;
        }
    }

    private static String stream(TestInfo info) {
        return "test:" + info.getTestMethod().orElseThrow().getName();
    }

    private static Update update(String topic, String data) {
        return Update.of(topic, SseEvent.of(data));
    }

    private static List<String> data(Replay replay) {
        assertNull(replay.gap(), "gap");
        return replay.entries().stream().map(e -> e.update().event().data()).toList();
    }

    private static final Predicate<Update> ALL = u -> true;

    @Test
    void anAppendedUpdateReachesTheTailWithTheIdItsPublisherGotAndEveryField(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            Recorder sink = new Recorder();
            String start = log.tail(sink);
            Update rich = new Update(List.of("books/1", "books"), new SseEvent(null, "changed", "line 1\nline 2", Duration.ofMillis(1500), "note"), true);
            String first = log.append(rich);
            String second = log.append(update("news", "two"));
            assertTrue(log.compare(start, first) < 0 && log.compare(first, second) < 0, start + " " + first + " " + second);
            Entry a = sink.next();
            Entry b = sink.next();
            assertEquals(first, a.position());
            assertEquals(first, a.id());
            assertEquals(rich, a.update());
            assertEquals(second, b.id());
            assertEquals("two", b.update().event().data());
            assertTrue(log.status().reachable());
        }
    }

    @Test
    void theTailStartsAtTheEndOfTheStreamNotItsBeginning(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            String old = log.append(update("t", "old"));
            Recorder sink = new Recorder();
            assertEquals(old, log.tail(sink));
            log.append(update("t", "new"));
            assertEquals("new", sink.next().update().event().data());
            assertTrue(sink.entries.isEmpty());
        }
    }

    @Test
    void readAfterReplaysTheWantedEntriesAfterTheIdUpToTheCursorAcrossPages(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 5000)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 1300; i++) {
                ids.add(log.append(update(i % 2 == 0 ? "even" : "odd", "e" + i)));
            }
            Replay evens = log.readAfter(ids.get(10), ids.get(1250), u -> u.topics().contains("even"));
            List<String> expected = new ArrayList<>();
            for (int i = 12; i <= 1250; i += 2) {
                expected.add("e" + i);
            }
            assertEquals(expected, data(evens));
            assertEquals(List.of(), data(log.readAfter(ids.get(1250), ids.get(1250), ALL)));
            assertEquals(List.of("e1299"), data(log.readAfter(ids.get(1298), ids.get(1299), ALL)));
            assertEquals(1300, log.readAfter(null, ids.get(1299), ALL).entries().size());
            assertEquals(1001, log.readAfter(null, ids.get(1000), ALL).entries().size());
        }
    }

    @Test
    void anIdBeyondTheCursorIsAheadAndOneNeverIssuedIsUnknown(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            String a = log.append(update("t", "a"));
            String b = log.append(update("t", "b"));
            assertEquals(b, log.readAfter(b, a, ALL).ahead());
            StreamId ida = StreamId.parse(a);
            String between = new StreamId(ida.ms(), ida.seq() + 7).toString();
            StreamId idb = StreamId.parse(b);
            if (StreamId.parse(between).compareTo(idb) < 0) {
                assertEquals(Gap.UNKNOWN, log.readAfter(between, b, ALL).gap());
            }
            for (String never : List.of("nonsense", "", "12", "1-2-3", "99999999999999-0", "-1-0")) {
                assertEquals(Gap.UNKNOWN, log.readAfter(never, b, ALL).gap(), never);
            }
        }
    }

    @Test
    void theCursorOfANewStreamResumesToNothingRatherThanAReset(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            String start = log.tail(new Recorder());
            assertEquals("0-0", start);
            assertEquals(List.of(), data(log.readAfter(start, start, ALL)));
        }
    }

    @Test
    void anIdTrimmedAwayIsExpired(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 10)) {
            String first = log.append(update("t", "first"));
            String last = null;
            for (int i = 0; i < 500; i++) {
                last = log.append(update("t", "e" + i));
            }
            assertEquals(Gap.EXPIRED, log.readAfter(first, last, ALL).gap());
            assertEquals(Gap.EXPIRED, log.readAfter("0-1", last, ALL).gap());
            assertTrue(log.readAfter(null, last, ALL).entries().size() < 500);
        }
    }

    @Test
    void aPublishersOwnIdIsTheWireIdAndResumesWithinTheStream(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            Recorder sink = new Recorder();
            log.tail(sink);
            assertEquals("urn:uuid:1", log.append(Update.of("t", SseEvent.builder().id("urn:uuid:1").data("one").build())));
            String two = log.append(update("t", "two"));
            Entry one = sink.next();
            assertEquals("urn:uuid:1", one.id());
            assertTrue(StreamId.parse(one.position()) != null, one.position());
            assertEquals(List.of("two"), data(log.readAfter("urn:uuid:1", two, ALL)));
            // Spelled as a stream id, an own id could be taken for another entry's: refused.
            var e = assertThrows(IllegalArgumentException.class,
                    () -> log.append(Update.of("t", SseEvent.builder().id(two).data("x").build())));
            assertTrue(e.getMessage().startsWith("id must not be spelled as a Redis stream id"), e.getMessage());
            assertEquals("01-0", log.append(Update.of("t", SseEvent.builder().id("01-0").data("three").build())));
        }
    }

    @Test
    void aPrivateEntrysOwnIdIsUnknownToAReaderThatMayNotSeeIt(TestInfo info) throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            String before = log.append(update("inbox", "before"));
            log.append(Update.of("inbox", SseEvent.builder().id("urn:secret").data("secret").build()).asPrivate());
            String after = log.append(update("inbox", "after"));
            Predicate<Update> publicOnly = u -> !u.isPrivate();
            assertEquals(Gap.UNKNOWN, log.readAfter("urn:secret", after, publicOnly).gap());
            assertEquals(Gap.UNKNOWN, log.readAfter("urn:secret", before, publicOnly).gap(), "not ahead either");
            assertEquals(List.of("after"), data(log.readAfter("urn:secret", after, ALL)));
        }
    }

    @Test
    void anOwnIdStillInTheStreamIsRefusedEvenWhenTwoPublishersRace(TestInfo info) throws Exception {
        try (RedisEventLog a = RedisEventLog.connect(redis.uri(), stream(info), 1000);
                RedisEventLog b = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            a.append(Update.of("t", SseEvent.builder().id("dup").data("x").build()));
            assertThrows(EventLog.DuplicateIdException.class, () -> b.append(Update.of("t", SseEvent.builder().id("dup").data("y").build())));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 20; round++) {
                    String id = "race-" + round;
                    List<Future<Boolean>> tries = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        RedisEventLog log = i % 2 == 0 ? a : b;
                        Callable<Boolean> attempt = () -> {
                            try {
                                log.append(Update.of("t", SseEvent.builder().id(id).data("x").build()));
                                return true;
                            } catch (EventLog.DuplicateIdException e) {
                                return false;
                            }
                        };
                        tries.add(pool.submit(attempt));
                    }
                    int won = 0;
                    for (Future<Boolean> f : tries) {
                        won += f.get() ? 1 : 0;
                    }
                    assertEquals(1, won, id);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRefusedOwnIdLeavesTheLogReachable(TestInfo info) throws Exception {
        // No tail: its next read would mark the log reachable again and hide a wrong status.
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            log.append(Update.of("t", SseEvent.builder().id("dup").data("x").build()));
            assertTrue(log.status().reachable(), log.status().toString());
            assertThrows(EventLog.DuplicateIdException.class, () -> log.append(Update.of("t", SseEvent.builder().id("dup").data("y").build())));
            assertTrue(log.status().reachable(), "Redis answered, yet: " + log.status());
        }
    }

    @Test
    void anOwnIdMayReturnOnceItsEntryWasTrimmedAndTheIndexForgetsIt(TestInfo info) throws Exception {
        String key = stream(info);
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), key, 10)) {
            log.append(Update.of("t", SseEvent.builder().id("again").data("x").build()));
            for (int i = 0; i < 300; i++) {
                log.append(Update.of("t", SseEvent.builder().id("filler-" + i).data("x").build()));
            }
            log.append(Update.of("t", SseEvent.builder().id("again").data("y").build()));
            try (RespConnection c = RespConnection.open(RedisUri.parse(redis.uri()), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
                long indexed = (Long) c.call("HLEN", key + ":ids");
                assertTrue(indexed < 250, "the own-id index holds " + indexed + " ids for a stream of about 10");
            }
        }
    }

    @Test
    void appendWhileRedisIsUnreachableThrowsQuicklyAndTheStatusSaysWhy() throws Exception {
        int port = RedisServer.freePort();
        try (RedisEventLog log = RedisEventLog.connect(URI.create("redis://127.0.0.1:" + port), "x", 10)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> log.append(update("t", "lost")));
            assertEquals("redis at 127.0.0.1:" + port + " refused the connection (is redis-server running?)", e.getMessage());
            assertThrows(UncheckedIOException.class, () -> log.readAfter("1-0", "2-0", ALL));
            EventLog.Status status = log.status();
            assertFalse(status.reachable());
            assertEquals(e.getMessage(), status.reason());
        }
    }

    @Test
    void aWrongPasswordIsRefusedInOneLineAndTheRightOnesWork(TestInfo info) throws Exception {
        try (RedisServer secured = RedisServer.start("--requirepass", "s3cret", "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all")) {
            int port = secured.port();
            try (RedisEventLog wrong = RedisEventLog.connect("redis://:nope@127.0.0.1:" + port, "k", 10)) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> wrong.append(update("t", "x")));
                assertTrue(e.getMessage().startsWith("redis at 127.0.0.1:" + port + " refused the login: WRONGPASS"), e.getMessage());
                assertFalse(e.getMessage().contains("nope"));
            }
            try (RedisEventLog password = RedisEventLog.connect("redis://:s3cret@127.0.0.1:" + port + "/1", "k", 10);
                    RedisEventLog user = RedisEventLog.connect("redis://alice:wonderland@127.0.0.1:" + port + "/1", "k", 10);
                    RedisEventLog otherDb = RedisEventLog.connect("redis://:s3cret@127.0.0.1:" + port + "/2", "k", 10)) {
                String a = password.append(update("t", "a"));
                String b = user.append(update("t", "b"));
                assertEquals(List.of("a", "b"), data(user.readAfter(null, b, ALL)));
                assertEquals(Gap.UNKNOWN, otherDb.readAfter(a, b, ALL).gap());
            }
        }
    }

    @Test
    void aRedisThatAnswersNoauthIsUnreachableEvenThoughItAnswers() throws Exception {
        try (RedisServer secured = RedisServer.start("--requirepass", "s3cret");
                RedisEventLog log = RedisEventLog.connect("redis://127.0.0.1:" + secured.port(), "k", 10)) {
            assertThrows(UncheckedIOException.class, () -> log.append(update("t", "x")));
            assertThrows(UncheckedIOException.class, () -> log.readAfter(null, "1-0", ALL));
            EventLog.Status status = log.status();
            assertFalse(status.reachable());
            assertEquals("redis at 127.0.0.1:" + secured.port() + ": NOAUTH Authentication required.", status.reason());
        }
    }

    @Test
    void theTailReconnectsAfterARedisRestartAndGoesOnFromItsCursorWithoutLoss(TestInfo info) throws Exception {
        try (RedisServer own = RedisServer.start();
                RedisEventLog log = RedisEventLog.connect(own.uri(), stream(info), 1000)) {
            Recorder sink = new Recorder();
            log.tail(sink);
            String before = log.append(update("t", "before"));
            assertEquals(before, sink.next().id());
            own.stop();
            assertThrows(UncheckedIOException.class, () -> log.append(update("t", "refused")));
            own.startAgain();
            String after = null;
            // The first append may meet a connection the restart left dead; it never half-succeeds silently.
            for (int i = 0; i < 100 && after == null; i++) {
                try {
                    after = log.append(update("t", "after"));
                } catch (UncheckedIOException e) {
                    Thread.sleep(50);
                }
            }
            assertNotNull(after);
            Entry next = sink.next();
            assertEquals(after, next.id());
            assertTrue(sink.lost.isEmpty(), "lost " + sink.lost);
            assertEquals(List.of("before", "after"), data(log.readAfter(null, after, ALL)));
            assertTrue(log.status().reconnects() >= 1, log.status().toString());
            assertTrue(log.status().reachable());
        }
    }

    @Test
    void entriesTrimmedWhileTheTailWasCutOffAreReportedAsLostAndItGoesOnAfterTheEnd(TestInfo info) throws Exception {
        try (Relay relay = Relay.to(redis.port());
                RedisEventLog tailed = RedisEventLog.connect(URI.create("redis://127.0.0.1:" + relay.port()), stream(info), 10);
                RedisEventLog publisher = RedisEventLog.connect(redis.uri(), stream(info), 10)) {
            Recorder sink = new Recorder();
            tailed.tail(sink);
            String seen = publisher.append(update("t", "seen"));
            assertEquals(seen, sink.next().id());
            relay.cut();
            String last = null;
            for (int i = 0; i < 400; i++) {
                last = publisher.append(update("t", "missed " + i));
            }
            relay.restore();
            assertEquals(last, sink.nextLost());
            assertTrue(sink.entries.isEmpty(), "nothing before the new cursor is delivered: " + sink.entries);
            String live = publisher.append(update("t", "live"));
            assertEquals(live, sink.next().id());
            assertTrue(tailed.status().reconnects() >= 1);
        }
    }

    @Test
    void aCutWithNothingTrimmedLosesNothing(TestInfo info) throws Exception {
        try (Relay relay = Relay.to(redis.port());
                RedisEventLog tailed = RedisEventLog.connect(URI.create("redis://127.0.0.1:" + relay.port()), stream(info), 1000);
                RedisEventLog publisher = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            Recorder sink = new Recorder();
            tailed.tail(sink);
            relay.cut();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ids.add(publisher.append(update("t", "during " + i)));
            }
            relay.restore();
            for (String id : ids) {
                assertEquals(id, sink.next().id());
            }
            assertTrue(sink.lost.isEmpty(), "lost " + sink.lost);
        }
    }

    @Test
    void aTailStartedWhileRedisIsDownBeginsAtTheEndOnceItComesBack(TestInfo info) throws Exception {
        try (Relay relay = Relay.to(redis.port());
                RedisEventLog publisher = RedisEventLog.connect(redis.uri(), stream(info), 1000)) {
            String old = publisher.append(update("t", "old"));
            relay.cut();
            try (RedisEventLog tailed = RedisEventLog.connect(URI.create("redis://127.0.0.1:" + relay.port()), stream(info), 1000)) {
                Recorder sink = new Recorder();
                assertEquals("0-0", tailed.tail(sink));
                assertFalse(tailed.status().reachable());
                relay.restore();
                assertEquals(old, sink.nextLost());
                String live = publisher.append(update("t", "live"));
                assertEquals(live, sink.next().id());
                assertTrue(tailed.status().reachable());
            }
        }
    }

    @Test
    void positionsCompareAsTwoNumbers() throws Exception {
        try (RedisEventLog log = RedisEventLog.connect(redis.uri(), "cmp", 10)) {
            assertTrue(log.compare("9-5", "10-0") < 0);
            assertTrue(log.compare("10-10", "10-9") > 0);
            assertEquals(0, log.compare("7-1", "7-1"));
            assertTrue(log.compare("18446744073709551615-0", "1-0") > 0);
            assertThrows(IllegalArgumentException.class, () -> log.compare("x", "1-0"));
        }
    }
}

package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Matching entries to subscribers: topics, several topics, patterns, private updates, exclusions. */
class FanOutTest {
    private static final Subscription.Policy POLICY = new Subscription.Policy(100, 1 << 20, ":\n\n".getBytes(), "retry: 1\n\n".getBytes());
    private static final Subscription.Owner OWNER = new Subscription.Owner() {
        @Override
        public void departed(Subscription sub, Departure reason) {
        }

        @Override
        public void delivered(int events) {
        }

        @Override
        public void ended(Subscription sub) {
        }
    };

    private final FanOut fanOut = new FanOut();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong positions = new AtomicLong();
    private final List<Subscription> subs = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    FanOutTest() {
        fanOut.start("0");
    }

    @AfterEach
    void stopSubscribers() throws InterruptedException {
        subs.forEach(Subscription::abort);
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    /** A live subscriber with this interest; its frames arrive in the returned writer. */
    private FakeWriter subscriber(Interest interest) {
        FakeWriter writer = new FakeWriter();
        Subscription sub = new Subscription(ids.incrementAndGet(), interest, POLICY, writer, OWNER);
        fanOut.join(sub);
        sub.release(null, List.of());
        subs.add(sub);
        threads.add(Thread.ofVirtual().start(sub::run));
        return writer;
    }

    private void publish(Update update) {
        fanOut.accept(Entry.of(Long.toString(positions.incrementAndGet()), update));
    }

    private static Update update(String data, String... topics) {
        return Update.of(List.of(topics), SseEvent.of(data));
    }

    private static List<String> dataOf(List<String> frames) {
        return frames.stream().map(f -> f.substring(f.indexOf("data: ") + 6, f.indexOf('\n', f.indexOf("data: ")))).toList();
    }

    /** Publishes a marker that every subscriber of these tests receives. */
    private void end() {
        publish(update("end", "a", "b", "c"));
    }

    /** Returns the data a writer saw before the end marker. */
    private static List<String> received(FakeWriter writer, int expected) throws InterruptedException {
        List<String> data = dataOf(writer.await(expected + 1));
        assertEquals("end", data.get(data.size() - 1), "the marker comes last: " + data);
        return data.subList(0, data.size() - 1);
    }

    @Test
    void anUpdateOfSeveralTopicsReachesASubscriberOfSeveralOfThemOnce() throws Exception {
        FakeWriter both = subscriber(Interest.topics(Set.of("a", "b")));
        FakeWriter onlyA = subscriber(Interest.topics(Set.of("a")));
        FakeWriter other = subscriber(Interest.topics(Set.of("c")));
        publish(update("x", "a", "b"));
        publish(update("y", "b"));
        end();
        assertEquals(List.of("x", "y"), received(both, 2));
        assertEquals(List.of("x"), received(onlyA, 1));
        assertEquals(List.of(), received(other, 0));
    }

    @Test
    void aMatcherIsAskedAboutEveryUpdateAndAnExactTopicMatchStillCountsOnce() throws Exception {
        FakeWriter pattern = subscriber(Interest.topics(Set.of("a")).alsoMatching(u -> u.topics().stream().anyMatch(t -> t.startsWith("books/"))));
        publish(update("book", "books/1"));
        publish(update("both", "a", "books/2"));
        publish(update("neither", "c"));
        end();
        assertEquals(List.of("book", "both"), received(pattern, 2));
    }

    @Test
    void aPrivateUpdateReachesOnlySubscribersAllowedToReadIt() throws Exception {
        FakeWriter anonymous = subscriber(Interest.topics(Set.of("a")));
        FakeWriter allowed = subscriber(Interest.topics(Set.of("a")).withPrivateAccess(u -> u.topics().contains("a")));
        FakeWriter otherClaim = subscriber(Interest.topics(Set.of("a")).withPrivateAccess(u -> u.topics().contains("z")));
        publish(update("secret", "a").asPrivate());
        publish(update("public", "a"));
        end();
        assertEquals(List.of("public"), received(anonymous, 1));
        assertEquals(List.of("secret", "public"), received(allowed, 2));
        assertEquals(List.of("public"), received(otherClaim, 1));
    }

    @Test
    void anExcludedSubscriberMissesOnlyThatUpdate() throws Exception {
        FakeWriter sender = subscriber(Interest.topics(Set.of("a")));
        FakeWriter listener = subscriber(Interest.topics(Set.of("a")));
        Update mine = update("mine", "a");
        fanOut.exclude(mine, 1);
        publish(mine);
        publish(update("theirs", "a"));
        end();
        assertEquals(List.of("theirs"), received(sender, 1));
        assertEquals(List.of("mine", "theirs"), received(listener, 2));
    }

    @Test
    void lostEntriesResetEveryLiveSubscriberAndMoveTheCursor() throws Exception {
        FakeWriter one = subscriber(Interest.topics(Set.of("a")));
        FakeWriter two = subscriber(Interest.matching(u -> true));
        fanOut.lost("42");
        assertEquals("42", fanOut.cursor().position());
        assertEquals(List.of("event: reset\nid: 42\ndata: expired\n\n"), one.await(1));
        assertEquals(List.of("event: reset\nid: 42\ndata: expired\n\n"), two.await(1));
    }

    @Test
    void theCursorIsTheLastEntryHandedOverAndAClosedFanOutTakesNoOne() {
        assertEquals(new FanOut.Cursor("0", "0"), fanOut.cursor());
        publish(Update.of("a", SseEvent.builder().id("own").data("x").build()));
        assertEquals(new FanOut.Cursor("1", "own"), fanOut.cursor());
        fanOut.close();
        assertNull(fanOut.join(new Subscription(99, Interest.topics(Set.of("a")), POLICY, new FakeWriter(), OWNER)));
    }
}

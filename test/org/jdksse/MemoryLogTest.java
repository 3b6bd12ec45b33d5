package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The in-memory event log: bounds, resume reads, publishers' own ids, and its tail. */
class MemoryLogTest {

    private static MemoryLog log(int maxEvents, long maxBytes) {
        return MemoryLog.create(maxEvents, maxBytes, 1);
    }

    private static void append(MemoryLog log, String topic, String data) {
        log.append(Update.of(topic, SseEvent.of(data)));
    }

    /** The data of the entries after {@code after} up to the last position, for these topics. */
    private static List<String> after(MemoryLog log, String after, String... topics) {
        Set<String> wanted = Set.of(topics);
        return data(log.readAfter(after, "999999", u -> u.topics().stream().anyMatch(wanted::contains)));
    }

    private static List<String> data(EventLog.Replay replay) {
        assertNull(replay.gap(), "no gap");
        return replay.entries().stream().map(e -> e.update().event().data()).toList();
    }

    @Test
    void replaysTheEntriesOfTheWantedTopicsAfterTheIdInOrder() {
        MemoryLog log = log(100, 1 << 20);
        for (int id = 1; id <= 10; id++) {
            append(log, id % 2 == 0 ? "even" : "odd", "e" + id);
        }
        assertEquals(List.of("e6", "e8", "e10"), after(log, "4", "even"));
        assertEquals(List.of("e5", "e6", "e7", "e8", "e9", "e10"), after(log, "4", "even", "odd"));
        assertEquals(List.of(), after(log, "10", "even", "odd"));
        assertEquals(List.of(), after(log, "3", "none"));
        assertEquals(List.of("e1", "e3"), after(log, "0", "odd").subList(0, 2), "0 is the position before the first");
    }

    @Test
    void readStopsAtTheCallersCursor() {
        MemoryLog log = log(100, 1 << 20);
        for (int id = 1; id <= 10; id++) {
            append(log, "t", "e" + id);
        }
        EventLog.Replay replay = log.readAfter("3", "6", u -> true);
        assertEquals(List.of("4", "5", "6"), replay.entries().stream().map(Entry::id).toList());
    }

    @Test
    void oldestEntriesLeaveFirstPastTheCountBoundAndOlderIdsAreExpired() {
        MemoryLog log = log(3, 1 << 20);
        for (int id = 1; id <= 1000; id++) {
            append(log, "t", "e" + id);
        }
        assertEquals(3, log.size());
        assertEquals(List.of("e998", "e999", "e1000"), after(log, "997", "t"));
        assertEquals(List.of("e1000"), after(log, "999", "t"));
        assertEquals(EventLog.Gap.EXPIRED, log.readAfter("996", "1000", u -> true).gap());
        assertEquals(List.of("e998", "e999", "e1000"), after(log, null, "t"), "null reads everything kept");
    }

    @Test
    void oldestEntriesLeaveFirstPastTheByteBound() {
        int frame = Entry.of("1", Update.of("t", SseEvent.of("aaaa"))).frame().length;
        MemoryLog log = log(100, 2L * frame + 1);
        append(log, "t", "aaaa");
        append(log, "t", "bbbb");
        append(log, "t", "cccc");
        assertEquals(2L * frame, log.bytes());
        assertEquals(List.of("bbbb", "cccc"), after(log, "1", "t"));
    }

    @Test
    void anEntryLargerThanTheByteBoundIsNotKept() {
        MemoryLog log = log(100, 10);
        append(log, "t", "far too large for ten bytes");
        assertEquals(0, log.size());
        assertEquals(EventLog.Gap.EXPIRED, log.readAfter("0", "1", u -> true).gap());
        assertEquals(List.of(), after(log, "1", "t"));
    }

    @Test
    void zeroEventsKeepsNothing() {
        MemoryLog log = log(0, 1 << 20);
        append(log, "t", "x");
        append(log, "t", "y");
        assertEquals(0, log.size());
        assertEquals(List.of(), after(log, "2", "t"));
        assertEquals(EventLog.Gap.EXPIRED, log.readAfter("1", "2", u -> true).gap());
    }

    @Test
    void theRingKeepsOrderAcrossGrowthAndWrapAround() {
        MemoryLog log = log(50, 1 << 20);
        List<String> expected = new ArrayList<>();
        for (int id = 1; id <= 137; id++) {
            append(log, "t", "e" + id);
            if (id > 87) {
                expected.add("e" + id);
            }
        }
        assertEquals(expected, after(log, "87", "t"));
        assertEquals(expected.subList(10, 50), after(log, "97", "t"));
    }

    @Test
    void idsItNeverIssuedAreUnknownAndIdsBeyondTheCursorAreAhead() {
        MemoryLog log = log(10, 1 << 20);
        append(log, "t", "a");
        append(log, "t", "b");
        for (String bad : List.of("3", "x", "", "-1", "1.0", "99999999999999999999")) {
            assertEquals(EventLog.Gap.UNKNOWN, log.readAfter(bad, "2", u -> true).gap(), bad);
        }
        EventLog.Replay ahead = log.readAfter("2", "1", u -> true);
        assertEquals("2", ahead.ahead());
        assertTrue(ahead.entries().isEmpty());
    }

    @Test
    void aPublishersOwnIdIsTheWireIdResumesAndCannotBeReusedWhileKept() {
        MemoryLog log = log(2, 1 << 20);
        assertEquals("urn:a", log.append(Update.of("t", SseEvent.builder().id("urn:a").data("a").build())));
        append(log, "t", "b");
        assertEquals(List.of("b"), after(log, "urn:a", "t"));
        var dup = assertThrows(EventLog.DuplicateIdException.class,
                () -> log.append(Update.of("t", SseEvent.builder().id("urn:a").data("again").build())));
        assertTrue(dup.getMessage().startsWith("id is already in the history"), dup.getMessage());
        append(log, "t", "c");
        // urn:a left the log: it may be used again, and a resume from it is no longer possible.
        assertEquals(EventLog.Gap.UNKNOWN, log.readAfter("urn:a", "3", u -> true).gap());
        assertEquals("urn:a", log.append(Update.of("t", SseEvent.builder().id("urn:a").data("a2").build())));
    }

    @Test
    void aPrivateEntrysOwnIdIsUnknownToAReaderThatMayNotSeeItWhileItsPositionResumes() {
        MemoryLog log = log(100, 1 << 20);
        log.append(Update.of("inbox", SseEvent.builder().id("urn:secret").data("secret").build()).asPrivate()); // position 1
        append(log, "inbox", "after");                                                                          // position 2
        Predicate<Update> publicOnly = u -> !u.isPrivate();
        assertEquals(EventLog.Gap.UNKNOWN, log.readAfter("urn:secret", "2", publicOnly).gap());
        assertEquals(EventLog.Gap.UNKNOWN, log.readAfter("urn:secret", "0", publicOnly).gap(), "not ahead either");
        assertEquals(List.of("after"), data(log.readAfter("urn:secret", "2", u -> true)));
        // Positions are consecutive and name nothing: a resume from the private entry's still works.
        assertEquals(List.of("after"), data(log.readAfter("1", "2", publicOnly)));
    }

    @Test
    void anOwnIdSpelledAsAPositionIsRefusedSoThatAResumeCannotTakeOneForTheOther() {
        MemoryLog log = MemoryLog.create(100, 1 << 20, 10);
        append(log, "t", "a");                                            // position 10
        for (String taken : List.of("10", "11", "12345")) {               // issued, next, later
            var e = assertThrows(IllegalArgumentException.class,
                    () -> log.append(Update.of("t", SseEvent.builder().id(taken).data("b").build())), taken);
            assertTrue(e.getMessage().startsWith("id must not be a number this log gives"), e.getMessage());
        }
        // Below the first position, or not spelled as a position, a number is the publisher's to use.
        assertEquals("9", log.append(Update.of("t", SseEvent.builder().id("9").data("b").build())));
        assertEquals("011", log.append(Update.of("t", SseEvent.builder().id("011").data("c").build())));
        append(log, "t", "d");                                            // position 13, wire id "13"
        assertEquals(List.of("c", "d"), after(log, "9", "t"));
        assertEquals(List.of("b", "c", "d"), after(log, "10", "t"));
        assertEquals(List.of("d"), after(log, "011", "t"));
    }

    @Test
    void anEmptyOwnIdIsRefusedNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class, () -> Update.of("t", SseEvent.builder().id("").data("x").build()));
        assertTrue(e.getMessage().startsWith("id must not be empty"), e.getMessage());
    }

    @Test
    void theTailGetsEveryLaterEntryInOrderAndStartsAtTheEnd() {
        MemoryLog log = log(10, 1 << 20);
        append(log, "t", "before");
        List<String> seen = new ArrayList<>();
        String start = log.tail(new EventLog.Sink() {
            @Override
            public void accept(Entry entry) {
                seen.add(entry.id() + ":" + entry.update().event().data());
            }

            @Override
            public void lost(String cursor) {
                throw new AssertionError("the in-memory log loses nothing");
            }
        });
        assertEquals("1", start);
        append(log, "t", "x");
        append(log, "u", "y");
        assertEquals(List.of("2:x", "3:y"), seen);
        assertThrows(IllegalStateException.class, () -> log.tail(null));
        assertTrue(log.compare("2", "10") < 0, "positions compare as numbers, not strings");
    }
}

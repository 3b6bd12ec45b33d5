package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bounded resume history. */
class HistoryTest {

    private static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> after(History history, long id, String... topics) {
        List<byte[]> out = new ArrayList<>();
        history.after(id, Set.of(topics), out);
        return out.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void replaysTheEventsOfTheWantedTopicsAfterTheIdInOrder() {
        History history = new History(100, 1 << 20);
        for (int id = 1; id <= 10; id++) {
            history.add(id, id % 2 == 0 ? "even" : "odd", frame("e" + id));
        }
        assertEquals(List.of("e6", "e8", "e10"), after(history, 4, "even"));
        assertEquals(List.of("e5", "e6", "e7", "e8", "e9", "e10"), after(history, 4, "even", "odd"));
        assertEquals(List.of(), after(history, 10, "even", "odd"));
        assertEquals(List.of(), after(history, 3, "none"));
        assertEquals(0, history.prunedThrough());
    }

    @Test
    void oldestEventsLeaveFirstPastTheCountBound() {
        History history = new History(3, 1 << 20);
        for (int id = 1; id <= 1000; id++) {
            history.add(id, "t", frame("e" + id));
        }
        assertEquals(3, history.size());
        assertEquals(997, history.prunedThrough());
        assertEquals(List.of("e998", "e999", "e1000"), after(history, 0, "t"));
        assertEquals(List.of("e1000"), after(history, 999, "t"));
    }

    @Test
    void oldestEventsLeaveFirstPastTheByteBound() {
        History history = new History(100, 10);
        history.add(1, "t", frame("aaaa"));
        history.add(2, "t", frame("bbbb"));
        history.add(3, "t", frame("cccc"));
        assertEquals(8, history.bytes());
        assertEquals(1, history.prunedThrough());
        assertEquals(List.of("bbbb", "cccc"), after(history, 0, "t"));
    }

    @Test
    void anEventLargerThanTheByteBoundIsNotKept() {
        History history = new History(100, 10);
        history.add(1, "t", frame("small"));
        history.add(2, "t", frame("far too large"));
        assertEquals(0, history.size());
        assertEquals(2, history.prunedThrough());
    }

    @Test
    void zeroEventsKeepsNothing() {
        History history = new History(0, 1 << 20);
        history.add(1, "t", frame("x"));
        history.add(2, "t", frame("y"));
        assertEquals(0, history.size());
        assertEquals(2, history.prunedThrough());
        assertEquals(List.of(), after(history, 0, "t"));
    }

    @Test
    void theRingKeepsOrderAcrossGrowthAndWrapAround() {
        History history = new History(50, 1 << 20);
        List<String> expected = new ArrayList<>();
        for (int id = 1; id <= 137; id++) {
            history.add(id, "t", frame("e" + id));
            if (id > 87) {
                expected.add("e" + id);
            }
        }
        assertEquals(expected, after(history, 0, "t"));
        assertEquals(expected.subList(10, 50), after(history, 97, "t"));
        // An id inside the evicted range finds the oldest kept event onwards.
        assertEquals(expected, after(history, 40, "t"));
    }
}

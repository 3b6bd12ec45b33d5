package org.jdksse.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reconnection delay; EventSourceTest drives whole sessions against real servers. */
class SessionTest {

    @Test
    void backoffDoublesPerFailureUpToTheLimitButNeverBelowTheServerRetry() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            long first = Session.reconnectDelay(1000, 0, 30_000, random);
            assertTrue(first >= 1000 && first <= 1500, "after an open connection: " + first);
            long firstFailure = Session.reconnectDelay(1000, 1, 30_000, random);
            assertTrue(firstFailure >= 1000 && firstFailure <= 1500, "after one failure: " + firstFailure);
            long third = Session.reconnectDelay(1000, 3, 30_000, random);
            assertTrue(third >= 4000 && third <= 6000, "after three failures: " + third);
            long capped = Session.reconnectDelay(1000, 40, 30_000, random);
            assertTrue(capped >= 30_000 && capped <= 45_000, "after forty failures: " + capped);
            long serverLonger = Session.reconnectDelay(60_000, 5, 30_000, random);
            assertTrue(serverLonger >= 60_000 && serverLonger <= 90_000, "server retry above the limit: " + serverLonger);
        }
        assertEquals(0, Session.reconnectDelay(0, 0, 30_000, random), "retry: 0 means at once");
        assertTrue(Session.reconnectDelay(0, 1, 30_000, random) >= 10, "failures back off even from retry: 0");
        assertTrue(Session.reconnectDelay(0, 2, 30_000, random) >= 20, "and keep doubling");
        assertEquals(Long.MAX_VALUE, Session.reconnectDelay(Long.MAX_VALUE, 3, 30_000, random));
    }

    @Test
    void jitterSpreadsReconnects() {
        SplittableRandom random = new SplittableRandom(7);
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(Session.reconnectDelay(3000, 0, 30_000, random));
        }
        assertTrue(delays.size() > 25, "distinct delays: " + delays.size());
    }
}

package org.jdksse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void valueReturnsTheFirstValueThatSatisfiesTheCondition() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        assertEquals(3, Await.value("three looks", Duration.ofSeconds(10), looks::incrementAndGet, n -> n >= 3));
        assertEquals(3, looks.get());
    }

    @Test
    void aConditionThatNeverHoldsFailsAfterTheDeadlineWithTheLastValue() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.value("a miracle", Duration.ofMillis(50), () -> "nothing", s -> false));
        assertTrue(e.getMessage().startsWith("waited 50 ms for a miracle; last seen: nothing"), e.getMessage());
    }

    @Test
    void aFailingLookEndsTheWaitAtOnce() {
        IOException e = assertThrows(IOException.class, () -> Await.until("a server that is gone", () -> {
            throw new IOException("connection refused");
        }));
        assertEquals("connection refused", e.getMessage());
    }
}

package org.jdksse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SseOptionsTest {

    @Test
    void defaultsBeatEveryFifteenSecondsWithABareComment() {
        SseOptions options = SseOptions.defaults();
        assertEquals(Duration.ofSeconds(15), options.heartbeat());
        assertEquals(":\n\n", new String(options.heartbeatFrame(), UTF_8));
        assertNull(options.retry());
        assertTrue(options.corsOrigins().isEmpty());
    }

    @Test
    void withersReturnChangedCopies() {
        SseOptions options = SseOptions.defaults().withHeartbeat(Duration.ofSeconds(2), "ping")
                .withRetry(Duration.ofSeconds(1)).withCorsOrigins("https://a.example");
        assertEquals(": ping\n\n", new String(options.heartbeatFrame(), UTF_8));
        assertEquals(Duration.ofSeconds(1), options.retry());
        assertEquals(Set.of("https://a.example"), options.corsOrigins());
        assertEquals(Duration.ofSeconds(15), SseOptions.defaults().heartbeat());
    }

    @Test
    void negativeHeartbeatIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> SseOptions.defaults().withHeartbeat(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().startsWith("heartbeat "));
    }

    @Test
    void aHeartbeatIsZeroOrFromFourMillisecondsToAYear() {
        for (Duration bad : java.util.List.of(Duration.ofNanos(3), Duration.ofMillis(3), Duration.ofDays(366), Duration.ofSeconds(Long.MAX_VALUE))) {
            var e = assertThrows(IllegalArgumentException.class, () -> SseOptions.defaults().withHeartbeat(bad), bad.toString());
            assertTrue(e.getMessage().startsWith("heartbeat must be zero (off) or from 4 ms to 365 days"), e.getMessage());
        }
        for (Duration good : java.util.List.of(Duration.ZERO, Duration.ofMillis(4), Duration.ofDays(365))) {
            assertEquals(good, SseOptions.defaults().withHeartbeat(good).heartbeat());
        }
    }

    @Test
    void anUnpairedSurrogateInTheHeartbeatCommentIsRefusedByItsName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SseOptions.defaults().withHeartbeat(Duration.ofSeconds(1), "beat\uD800"));
        assertEquals("heartbeatComment holds an unpaired surrogate at index 4", e.getMessage());
    }

    @Test
    void negativeRetryIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> SseOptions.defaults().withRetry(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().startsWith("retry "));
    }
}

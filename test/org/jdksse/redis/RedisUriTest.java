package org.jdksse.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis URLs: the forms accepted, and one-line refusals that never show the password. */
class RedisUriTest {

    @Test
    void theFormsOfTheIssueParse() {
        assertEquals(new RedisUri("localhost", 6379, null, null, 0), RedisUri.parse("redis://localhost"));
        assertEquals(new RedisUri("10.0.0.5", 6380, null, "secret", 2), RedisUri.parse("redis://:secret@10.0.0.5:6380/2"));
        assertEquals(new RedisUri("h", 6379, "alice", "p@ss:word", 0), RedisUri.parse("redis://alice:p%40ss%3Aword@h/"));
        assertEquals(new RedisUri("::1", 6379, null, null, 0), RedisUri.parse("redis://[::1]:6379"));
        assertEquals(new RedisUri("h", 6379, null, "a+b", 0), RedisUri.parse("redis://:a+b@h"));
    }

    @Test
    void itsTextHidesThePassword() {
        assertEquals("redis://:***@10.0.0.5:6380/2", RedisUri.parse("redis://:secret@10.0.0.5:6380/2").toString());
        assertEquals("redis://alice:***@h:6379", RedisUri.parse("redis://alice:pw@h").toString());
    }

    @Test
    void aWrongUrlIsOneLineThatNamesTheFormAndNotThePassword() {
        for (String bad : List.of("http://:secret@h:6379", "redis://:secret@:6379", "redis://:secret@h:6379/x", "redis://:secret@h/1?x=1",
                "rediss://:secret@h", "redis//secret@h", "redis://:sec%zzret@h", "", "redis://:secret@h:99999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
            assertFalse(e.getMessage().contains("secret") || e.getMessage().contains("sec%zz"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aPasswordHoldingAnUnescapedDelimiterIsNotShownEitherSideOfIt() {
        // The parser ends the authority at the first '#', '?', '/' or '@' of such a password, so
        // the URL has no host; the refusal may show neither half.
        for (String c : List.of("#", "?", "/", "@")) {
            for (String bad : List.of("redis://:open" + c + "sesame@h:6379", "redis://alice:open" + c + "sesame@h:6379/0")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
                assertFalse(e.getMessage().contains("open") || e.getMessage().contains("sesame"), bad + " -> " + e.getMessage());
            }
        }
    }
}

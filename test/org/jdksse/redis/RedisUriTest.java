package org.jdksse.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    void aHostHoldingAnUnderscoreParsesAsDockerComposeNamesServices() {
        assertEquals(new RedisUri("redis_1", 6379, null, null, 0), RedisUri.parse("redis://redis_1:6379"));
        assertEquals(new RedisUri("myapp_redis_1", 6379, null, null, 0), RedisUri.parse("redis://myapp_redis_1"));
        assertEquals(new RedisUri("myapp_redis_1", 6380, "app", "pw", 3), RedisUri.parse("redis://app:pw@myapp_redis_1:6380/3"));
        // The public entry point takes a URI, which URI.create accepts with no host of its own.
        assertEquals(new RedisUri("redis_1", 6379, null, "pw", 0), RedisUri.parse(URI.create("redis://:pw@redis_1:6379")));
        assertEquals("redis://:***@myapp_redis_1:6380/3", RedisUri.parse("redis://:pw@myapp_redis_1:6380/3").toString());
    }

    @Test
    void anIpv6HostIsWrittenInBracketsWithOrWithoutAPortAndZone() {
        assertEquals(new RedisUri("::1", 6379, null, null, 0), RedisUri.parse("redis://[::1]"));
        assertEquals(new RedisUri("2001:db8::7", 6380, null, "pw", 1), RedisUri.parse("redis://:pw@[2001:db8::7]:6380/1"));
        assertEquals(new RedisUri("::ffff:10.0.0.5", 6379, null, null, 0), RedisUri.parse("redis://[::ffff:10.0.0.5]/"));
        assertEquals(new RedisUri("fe80::1%eth0", 6379, null, null, 0), RedisUri.parse("redis://[fe80::1%25eth0]:6379"));
        assertEquals("redis://:***@[2001:db8::7]:6380/1", RedisUri.parse("redis://:pw@[2001:db8::7]:6380/1").toString());
    }

    @Test
    void aPasswordMayHoldAnAtAsItIsButMustEscapeTheDelimitersThatEndTheHost() {
        for (String c : List.of("@", ":")) {
            assertEquals(new RedisUri("h", 6379, null, "open" + c + "sesame", 0), RedisUri.parse("redis://:open" + c + "sesame@h:6379"), c);
            assertEquals(new RedisUri("h", 6379, "alice", "open" + c + "sesame", 0), RedisUri.parse("redis://alice:open" + c + "sesame@h:6379/0"), c);
        }
        // Without a colon the user info is a password alone (a first colon would end a user name).
        assertEquals(new RedisUri("redis_1", 6379, null, "open@sesame", 0), RedisUri.parse("redis://open@sesame@redis_1"));
        assertEquals(new RedisUri("h", 6379, null, "a@b#c/d?e%f", 0), RedisUri.parse("redis://:a@b%23c%2Fd%3Fe%25f@h"));
        for (String c : List.of("#", "?", "/")) {
            for (String bad : List.of("redis://:open" + c + "sesame@h:6379", "redis://open" + c + "sesame@redis_1")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
                assertTrue(e.getMessage().contains("password") && e.getMessage().contains("%2F"), bad + " -> " + e.getMessage());
            }
        }
    }

    @Test
    void escapesDecodeToUtf8AndAnythingElseIsRefusedNamingTheFieldNotTheSecret() {
        assertEquals(new RedisUri("h", 6379, "zoë", "a+b é😀", 0), RedisUri.parse("redis://zo%C3%AB:a+b%20%c3%a9😀@h"));
        for (String bad : List.of("redis://:s3cr%ffet@h", "redis://:s3cr%C3et@h", "redis://:s3cr%ED%A0%80et@h")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
            assertEquals("redis URL password is not UTF-8 once its %-escapes are decoded", e.getMessage(), bad);
        }
        IllegalArgumentException user = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("redis://b%e9a:s3cret@h"));
        assertEquals("redis URL user is not UTF-8 once its %-escapes are decoded", user.getMessage());
        for (String bad : List.of("redis://:s3cr%g0et@h", "redis://:s3cret%@h", "redis://:s3cret%4@h", "redis://:s3cr%٣٣et@h")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
            assertEquals("redis URL password has a malformed %-escape", e.getMessage(), bad);
        }
    }

    @Test
    void aQueryIsNeverReadAsUserInfoNorShown() {
        // Read up to the last '@', this would send AUTH with most of the secret to a host named t.example.
        for (String bad : List.of("redis://cache:6379/0?password=s3cr@t.example", "redis://localhost:6379/0?password=s3cret",
                "redis://localhost#password=s3cret", "http://h/?password=s3cret")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
            assertFalse(e.getMessage().contains("s3cr"), bad + " -> " + e.getMessage());
        }
    }

    @Test
    void anIpv6HostMustBeAnAddress() {
        for (String bad : List.of("redis://[:]:6379", "redis://[::::::::::]", "redis://[fe80::1%25]", "redis://[fe80::1%]",
                "redis://[" + ":".repeat(50_000) + "]", "redis://[1:2:3:4:5:6:7:8:9]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
            assertTrue(e.getMessage().contains("IPv6"), e.getMessage());
        }
    }

    @Test
    void aPasswordHoldingAnUnescapedDelimiterIsNotShownEitherSideOfItWhenAnotherFieldIsWrong() {
        for (String c : List.of("#", "?", "/", "@")) {
            for (String bad : List.of("redis://:open" + c + "sesame@h:0", "redis://alice:open" + c + "sesame@h:6379/x",
                    "redis://open" + c + "sesame@", "redis://:open" + c + "sesame@h/1?db=2", "redis://:open" + c + "sesame@h%x")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad), bad);
                assertFalse(e.getMessage().contains("open") || e.getMessage().contains("sesame"), bad + " -> " + e.getMessage());
            }
        }
    }

    @Test
    void everyWrongUrlIsRefusedNamingItsFieldAndNeverThePassword() {
        Map<String, String> field = new LinkedHashMap<>();
        field.put("", "missing");
        field.put("   ", "missing");
        field.put("http://:secret@h:6379", "redis://");
        field.put("redis//:secret@h", "redis://");
        field.put("h:6379", "redis://");
        field.put("rediss://:secret@h", "TLS");
        field.put("redis://:secret@", "host");
        field.put("redis://:secret@:6379", "host");
        field.put("redis://:secret@h!x:6379", "host");
        field.put("redis://:secret@b\u00fccher:6379", "host");
        field.put("redis://:secret@::1:6379", "host");
        field.put("redis://:secret@[::1:6379", "IPv6");
        field.put("redis://:secret@[1.2.3.4]", "IPv6");
        field.put("redis://:secret@[::1]x", "IPv6");
        field.put("redis://:secret@h:0", "port");
        field.put("redis://:secret@h:99999", "port");
        field.put("redis://:secret@h:6379x", "port");
        field.put("redis://:secret@h:+6379", "port");
        field.put("redis://:secret@[::1]:x", "port");
        field.put("redis://:secret@h/x", "database");
        field.put("redis://:secret@h/1/2", "database");
        field.put("redis://:secret@h/123456", "database");
        field.put("redis://:secret@h/1?x=1", "query");
        field.put("redis://:secret@h#top", "fragment");
        field.put("redis://:sec%zzret@h", "password");
        field.put("redis://:sec ret@h", "space");
        field.put("redis://:secret@h\n:6379", "control");
        for (Map.Entry<String, String> bad : field.entrySet()) {
            String url = bad.getKey();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(url), url);
            assertTrue(e.getMessage().contains(bad.getValue()), url + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("secret") || e.getMessage().contains("sec%zz") || e.getMessage().contains("sec ret"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }
}

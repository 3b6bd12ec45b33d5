package org.jdksse.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.jdksse.SseEvent;
import org.jdksse.Update;
import org.jdksse.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis log where the network or Redis does something a hub does not control: a reply that
 * arrives late while other hubs trim the stream, a connection Redis closed while it sat idle, and
 * a stream too short to carry anything.
 */
@Timeout(60)
class RedisFaultsTest extends RedisFixture {

    private static String stream(TestInfo info) {
        return "faults:" + info.getTestMethod().orElseThrow().getName();
    }

    private static Update update(String data) {
        return Update.of("t", SseEvent.of(data));
    }

    /** Says whether a client of this server is blocked in XREAD (the tail waiting for entries). */
    private static boolean tailBlocked(RespConnection admin) throws IOException {
        for (String client : ((String) admin.call("CLIENT", "LIST")).split("\n")) {
            if (client.contains("cmd=xread") && client.matches(".* flags=[A-Za-z]*b.*")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aReplyHeldWhileOtherHubsTrimPastTheCursorIsReportedLostNotSkipped(TestInfo info) throws Exception {
        try (Relay relay = Relay.to(redis.port());
             RedisEventLog tailed = RedisEventLog.connect(URI.create("redis://127.0.0.1:" + relay.port()), stream(info), 10);
             RedisEventLog other = RedisEventLog.connect(redis.uri(), stream(info), 10);
             RespConnection admin = RespConnection.open(RedisUri.parse(redis.uri()), Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            RedisEventLogTest.Recorder sink = new RedisEventLogTest.Recorder();
            tailed.tail(sink);
            Await.until("the tail blocked in XREAD", () -> tailBlocked(admin));
            relay.hold(true);
            String first = other.append(update("e0")); // answers the tail's XREAD; the reply waits in the relay
            for (int i = 1; i < 400; i++) {
                other.append(update("e" + i));        // MAXLEN ~ 10: e0 and most after it are trimmed
            }
            relay.hold(false);
            assertEquals(first, sink.next().id());
            // The next read would start after e0, where the stream now begins far later: a gap.
            String lost = sink.nextLost();
            // Nothing from before the reset follows it, though the read sent with the check that
            // found the gap returns the entries left after the trim: the next entry is a new one.
            String after = other.append(update("after the gap"));
            assertTrue(StreamId.parse(after).compareTo(StreamId.parse(lost)) > 0, after + " after " + lost);
            assertEquals(after, sink.next().id(), "the first entry after the reset at " + lost);
        }
    }

    @Test
    void aPublishAfterRedisClosedAnIdleConnectionStillGoesThrough(TestInfo info) throws Exception {
        try (RedisServer strict = RedisServer.start("--timeout", "1");
             RedisEventLog log = RedisEventLog.connect(strict.uri(), stream(info), 100)) {
            log.append(update("first"));
            Thread.sleep(2_500); // Redis closes a client idle for more than its timeout of 1 s
            String id = log.append(update("after a quiet spell"));
            assertEquals(id, log.readAfter(null, id, u -> true).entries().getLast().id());
        }
    }

    @Test
    void aStreamThatKeepsNoEntryIsRefusedNamingMaxLen(TestInfo info) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisEventLog.connect(redis.uri(), stream(info), 0));
        assertTrue(e.getMessage().startsWith("maxLen must be at least 1"), e.getMessage());
    }
}

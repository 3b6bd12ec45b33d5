package org.jdksse.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RESP2 client against a fake server socket: every reply type, split replies, errors, cut connections. */
class RespConnectionTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration READ = Duration.ofSeconds(5);

    private static Object callOnce(String reply, boolean byteByByte) throws IOException {
        FakeRedis.Answer answer = FakeRedis.Answer.of(reply);
        try (FakeRedis fake = FakeRedis.answering(c -> byteByByte ? answer.byteByByte() : answer);
                RespConnection c = RespConnection.open(fake.uri(), CONNECT, READ)) {
            return c.call("ANY");
        }
    }

    @Test
    void aSimpleStringIsAString() throws IOException {
        assertEquals("OK", callOnce("+OK\r\n", false));
    }

    @Test
    void anIntegerIsALong() throws IOException {
        assertEquals(-42L, callOnce(":-42\r\n", false));
        assertEquals(Long.MAX_VALUE, callOnce(":9223372036854775807\r\n", false));
    }

    @Test
    void aBulkStringIsUtf8AndMayHoldLineBreaks() throws IOException {
        String text = "h\u00e9\r\nl\u00e0 \uD83D\uDE00";
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        assertEquals(text, callOnce("$" + length + "\r\n" + text + "\r\n", false));
        assertEquals("", callOnce("$0\r\n\r\n", false));
    }

    @Test
    void aNullBulkAndANullArrayAreNull() throws IOException {
        assertNull(callOnce("$-1\r\n", false));
        assertNull(callOnce("*-1\r\n", false));
    }

    @Test
    void arraysNestWithEveryReplyTypeInside() throws IOException {
        Object reply = callOnce("*6\r\n+OK\r\n:7\r\n$3\r\nabc\r\n$-1\r\n*2\r\n*0\r\n*-1\r\n-ERR inner\r\n", false);
        List<?> list = assertInstanceOf(List.class, reply);
        assertEquals(6, list.size());
        assertEquals(List.of("OK", 7L, "abc"), list.subList(0, 3));
        assertNull(list.get(3));
        assertEquals(Arrays.asList(List.of(), null), list.get(4));
        // An error inside an array keeps its place instead of failing the whole reply.
        assertEquals("ERR inner", assertInstanceOf(Resp.ErrorReply.class, list.get(5)).getMessage());
    }

    @Test
    void aStreamReplySplitByteByByteReadsTheSameAsWhole() throws IOException {
        String xread = "*1\r\n*2\r\n$6\r\njdksse\r\n*2\r\n*2\r\n$15\r\n1700000000000-0\r\n*4\r\n$1\r\nt\r\n$4\r\nnews\r\n$1\r\nd\r\n$5\r\nhello\r\n"
                + "*2\r\n$15\r\n1700000000000-1\r\n*4\r\n$1\r\nt\r\n$4\r\nnews\r\n$1\r\nd\r\n$0\r\n\r\n";
        Object whole = callOnce(xread, false);
        assertEquals(whole, callOnce(xread, true));
        assertEquals(List.of(List.of("jdksse", List.of(
                List.of("1700000000000-0", List.of("t", "news", "d", "hello")),
                List.of("1700000000000-1", List.of("t", "news", "d", ""))))), whole);
    }

    @Test
    void anErrorReplyIsThrownAndTheConnectionStaysUsable() throws IOException {
        try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.of(c.get(0).equals("BAD") ? "-ERR unknown command 'BAD'\r\n" : "+PONG\r\n"));
                RespConnection c = RespConnection.open(fake.uri(), CONNECT, READ)) {
            Resp.ErrorReply e = assertThrows(Resp.ErrorReply.class, () -> c.call("BAD"));
            assertEquals("ERR unknown command 'BAD'", e.getMessage());
            assertEquals("ERR", e.code());
            assertEquals("PONG", c.call("PING"));
        }
    }

    @Test
    void aServerClosingMidReplyFailsTheCallAndClosesTheConnection() throws IOException {
        for (String cut : List.of("$10\r\nhell", "*3\r\n:1\r\n:2\r\n", "+OK", "$5\r\nhello")) {
            try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.of(cut).thenClose());
                    RespConnection c = RespConnection.open(fake.uri(), CONNECT, READ)) {
                IOException e = assertThrows(IOException.class, () -> c.call("GET", "k"), cut);
                assertFalse(e instanceof Resp.ErrorReply);
                assertTrue(e.getMessage().contains("redis at 127.0.0.1:" + fake.uri().port()), e.getMessage());
                assertTrue(c.isClosed());
            }
        }
    }

    @Test
    void aServerThatDoesNotAnswerTimesOut() throws IOException {
        try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.silence());
                RespConnection c = RespConnection.open(fake.uri(), CONNECT, Duration.ofMillis(200))) {
            IOException e = assertThrows(IOException.class, () -> c.call("PING"));
            assertEquals("redis at 127.0.0.1:" + fake.uri().port() + " did not answer in time", e.getMessage());
        }
    }

    @Test
    void commandsGoOutAsArraysOfBulkStrings() throws IOException {
        assertEquals("*3\r\n$4\r\nXADD\r\n$1\r\nk\r\n$2\r\n\u00e9\r\n".getBytes(StandardCharsets.UTF_8).length,
                Resp.command("XADD", "k", "\u00e9").length);
        assertEquals("*2\r\n$3\r\nGET\r\n$2\r\n12\r\n", new String(Resp.command("GET", 12), StandardCharsets.UTF_8));
        try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.of("+OK\r\n"));
                RespConnection c = RespConnection.open(fake.uri(), CONNECT, READ)) {
            c.call("SET", "a b", "line\r\nbreak");
            assertEquals(List.of(List.of("SET", "a b", "line\r\nbreak")), fake.commands);
        }
    }

    @Test
    void itLogsInWithAPasswordOrAUserAndPasswordThenSelectsTheDatabase() throws IOException {
        try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.of("+OK\r\n"))) {
            RedisUri base = fake.uri();
            RespConnection.open(new RedisUri(base.host(), base.port(), null, "s3cret", 0), CONNECT, READ).close();
            RespConnection.open(new RedisUri(base.host(), base.port(), "alice", "pw", 3), CONNECT, READ).close();
            RespConnection.open(base, CONNECT, READ).close();
            assertEquals(List.of(List.of("AUTH", "s3cret"), List.of("AUTH", "alice", "pw"), List.of("SELECT", "3")), fake.commands);
        }
    }

    @Test
    void aPipelineGoesOutInOrderAndReturnsTheFirstErrorAsAValue() throws IOException {
        try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.of(switch (c.get(0)) {
                    case "FIRST" -> "-ERR no such key\r\n";
                    case "NIL" -> "*-1\r\n";
                    default -> "-ERR the blocking one failed\r\n";
                }));
                RespConnection c = RespConnection.open(fake.uri(), CONNECT, READ)) {
            List<Object> replies = c.callBlocking(Duration.ofMillis(10), READ, new Object[] {"FIRST", "a"}, "NIL", "b");
            assertEquals("ERR no such key", assertInstanceOf(Resp.ErrorReply.class, replies.get(0)).getMessage());
            assertNull(replies.get(1));
            assertEquals(List.of(List.of("FIRST", "a"), List.of("NIL", "b")), fake.commands);
            // An error answering the blocking command is thrown, and the connection stays usable.
            Resp.ErrorReply e = assertThrows(Resp.ErrorReply.class,
                    () -> c.callBlocking(Duration.ofMillis(10), READ, new Object[] {"FIRST"}, "OTHER"));
            assertEquals("ERR the blocking one failed", e.getMessage());
            assertNull(c.callBlocking(Duration.ofMillis(10), READ, "NIL"));
        }
    }

    @Test
    void aWrongPasswordIsOneLineThatDoesNotRepeatThePassword() throws IOException {
        try (FakeRedis fake = FakeRedis.answering(c -> FakeRedis.Answer.of("-WRONGPASS invalid username-password pair or user is disabled.\r\n"))) {
            RedisUri uri = new RedisUri("127.0.0.1", fake.uri().port(), null, "hunter2", 0);
            IOException e = assertThrows(IOException.class, () -> RespConnection.open(uri, CONNECT, READ));
            assertEquals("redis at 127.0.0.1:" + uri.port() + " refused the login: WRONGPASS invalid username-password pair or user is disabled.", e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"));
        }
    }

    @Test
    void aRefusedConnectionIsOneLine() throws IOException {
        int port = RedisServer.freePort();
        IOException e = assertThrows(IOException.class, () -> RespConnection.open(new RedisUri("127.0.0.1", port, null, null, 0), CONNECT, READ));
        assertEquals("redis at 127.0.0.1:" + port + " refused the connection (is redis-server running?)", e.getMessage());
    }

    @Test
    void garbageFromTheServerIsAnIOExceptionNotAHang() {
        for (String bad : List.of("?what\r\n", ":12x\r\n", "$-5\r\n", "+OK\rX", "$3\r\nabcXY")) {
            IOException e = assertThrows(IOException.class, () -> Resp.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))), bad);
            assertFalse(e instanceof EOFException, bad);
        }
    }
}

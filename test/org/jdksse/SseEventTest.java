package org.jdksse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.jdksse.testing.WhatwgParser;
import org.junit.jupiter.api.Test;

class SseEventTest {

    /** Pins the exact bytes, and checks that the reference parser reads an event with data back as it was sent. */
    private static void assertEncodes(String expected, SseEvent event) {
        assertEquals(expected, new String(event.encode(), UTF_8));
        if (event.data() != null) {
            String type = event.event() == null || event.event().isEmpty() ? "message" : event.event();
            String data = event.data().replace("\r\n", "\n").replace('\r', '\n');
            assertEquals(List.of(new WhatwgParser.Event(type, data, event.id() == null ? "" : event.id())),
                    WhatwgParser.parse(event.encode()));
        }
    }

    @Test
    void plainDataIsOneDataLine() {
        assertEncodes("data: hello\n\n", SseEvent.of("hello"));
    }

    @Test
    void dataIsSplitOnLineFeed() {
        assertEncodes("data: a\ndata: b\n\n", SseEvent.of("a\nb"));
    }

    @Test
    void dataIsSplitOnCarriageReturn() {
        assertEncodes("data: a\ndata: b\n\n", SseEvent.of("a\rb"));
    }

    @Test
    void dataIsSplitOnCrLfOnce() {
        assertEncodes("data: a\ndata: b\n\n", SseEvent.of("a\r\nb"));
    }

    @Test
    void twoCarriageReturnsAreTwoLineEnds() {
        assertEncodes("data: a\ndata:\ndata: b\n\n", SseEvent.of("a\r\rb"));
    }

    @Test
    void lfCrIsTwoLineEnds() {
        assertEncodes("data: a\ndata:\ndata: b\n\n", SseEvent.of("a\n\rb"));
    }

    @Test
    void unicodeLineSeparatorsAreData() {
        for (String separator : new String[] {"\u2028", "\u2029", "\u0085", "\u000B", "\u000C"}) {
            String data = "a" + separator + "b";
            assertEncodes("data: " + data + "\n\n", SseEvent.of(data));
        }
    }

    @Test
    void unicodeLineSeparatorIsEncodedAsUtf8() {
        assertArrayEquals(new byte[] {'d', 'a', 't', 'a', ':', ' ', 'a', (byte) 0xE2, (byte) 0x80, (byte) 0xA8, 'b', '\n', '\n'},
                SseEvent.of("a\u2028b").encode());
    }

    @Test
    void astralCharacterIsFourUtf8Bytes() {
        assertArrayEquals(new byte[] {'d', 'a', 't', 'a', ':', ' ', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, '\n', '\n'},
                SseEvent.of("\uD83D\uDE00").encode());
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertEncodes("data:\n\n", SseEvent.of(""));
    }

    @Test
    void leadingSpaceSurvivesBecauseOneSpaceIsAlwaysWritten() {
        assertEncodes("data:  x\n\n", SseEvent.of(" x"));
        assertEncodes("data:   two\n\n", SseEvent.of("  two"));
    }

    @Test
    void trailingNewlinesBecomeEmptyDataLines() {
        assertEncodes("data: a\ndata:\n\n", SseEvent.of("a\n"));
        assertEncodes("data: a\ndata:\ndata:\n\n", SseEvent.of("a\n\n"));
        assertEncodes("data:\ndata:\n\n", SseEvent.of("\r\n"));
    }

    @Test
    void dataStartingWithColonStaysData() {
        assertEncodes("data: :not a comment\n\n", SseEvent.of(":not a comment"));
    }

    @Test
    void commentWithNewlinesIsOneCommentLineEach() {
        assertEncodes(": a\n: b\n:\n: c\n\n", SseEvent.comment("a\nb\r\n\rc"));
    }

    @Test
    void emptyCommentIsABareColon() {
        assertEncodes(":\n\n", SseEvent.comment(""));
    }

    @Test
    void allFieldsInOrder() {
        SseEvent event = SseEvent.builder().comment("c").event("price").id("7").retry(Duration.ofMillis(1500)).data("d").build();
        assertEncodes(": c\nevent: price\nid: 7\nretry: 1500\ndata: d\n\n", event);
    }

    @Test
    void namedEventFactory() {
        assertEncodes("event: user\ndata: 42\n\n", SseEvent.of("user", "42"));
    }

    @Test
    void retryOnlyEvent() {
        assertEncodes("retry: 3000\n\n", SseEvent.retry(Duration.ofSeconds(3)));
    }

    @Test
    void emptyIdIsWrittenSoThatItResetsTheClientsId() {
        assertEncodes("id:\ndata: x\n\n", SseEvent.builder().id("").data("x").build());
    }

    @Test
    void withIdReplacesOnlyTheId() {
        assertEquals(SseEvent.builder().event("e").id("9").data("d").build(), SseEvent.of("e", "d").withId("9"));
    }

    @Test
    void idWithLineFeedIsRejected() {
        assertNamesField("id", () -> SseEvent.builder().id("1\n2").data("x").build());
    }

    @Test
    void idWithCarriageReturnIsRejected() {
        assertNamesField("id", () -> SseEvent.builder().id("1\r").data("x").build());
    }

    @Test
    void idWithNulIsRejected() {
        assertNamesField("id", () -> SseEvent.builder().id("1\0").data("x").build());
    }

    @Test
    void eventWithLineFeedIsRejected() {
        assertNamesField("event", () -> SseEvent.of("a\nb", "x"));
    }

    @Test
    void eventWithCarriageReturnIsRejected() {
        assertNamesField("event", () -> SseEvent.of("a\rb", "x"));
    }

    @Test
    void negativeRetryIsRejected() {
        assertNamesField("retry", () -> SseEvent.retry(Duration.ofMillis(-1)));
    }

    @Test
    void unpairedSurrogateInDataIsRejected() {
        assertNamesField("data", () -> SseEvent.of("a\uD800b"));
        assertNamesField("data", () -> SseEvent.of("\uDC00"));
    }

    @Test
    void eventWithNoFieldIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SseEvent.builder().build());
    }

    @Test
    void rejectionMessageShowsTheBadValueOnOneLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> SseEvent.of("a\nb", "x"));
        assertEquals("event must not contain CR or LF: \"a\\nb\"", e.getMessage());
    }

    private static void assertNamesField(String field, Runnable creation) {
        var e = assertThrows(IllegalArgumentException.class, creation::run);
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }
}

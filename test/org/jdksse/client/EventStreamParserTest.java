package org.jdksse.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every rule of the WHATWG "interpreting an event stream" algorithm. Each case is written with LF
 * and is run with LF, CR and CRLF line ends, delivered whole, one byte at a time, and in random
 * chunk sizes; all must give the same events, retries and last event id.
 */
class EventStreamParserTest {

    private static final String[] LINE_ENDS = {"\n", "\r", "\r\n"};

    /** What a parser produced from one delivery of one input. */
    private record Outcome(List<MessageEvent> events, List<Long> retries, String lastEventId) {
    }

    private static MessageEvent ev(String type, String data, String id) {
        return new MessageEvent(type, data, id);
    }

    private static Outcome outcome(String lastEventId, MessageEvent... events) {
        return new Outcome(List.of(events), List.of(), lastEventId);
    }

    /** Runs {@code template} (lines ended by LF) with each line end and each way of delivering it. */
    private static void assertParses(String template, Outcome expected) {
        for (String end : LINE_ENDS) {
            byte[] input = template.replace("\n", end).getBytes(StandardCharsets.UTF_8);
            assertDeliveries(input, expected, "line end " + end.replace("\r", "CR").replace("\n", "LF"));
        }
    }

    private static void assertDeliveries(byte[] input, Outcome expected, String label) {
        assertEquals(expected, parse(input, new int[] {input.length}), label + ", whole");
        int[] ones = new int[input.length];
        java.util.Arrays.fill(ones, 1);
        assertEquals(expected, parse(input, ones), label + ", byte by byte");
        for (long seed = 1; seed <= 25; seed++) {
            Random random = new Random(seed);
            List<Integer> sizes = new ArrayList<>();
            for (int left = input.length; left > 0; ) {
                int n = Math.min(left, random.nextInt(8)); // zero-length reads included
                sizes.add(n);
                left -= n;
            }
            int[] chunks = sizes.stream().mapToInt(Integer::intValue).toArray();
            assertEquals(expected, parse(input, chunks), label + ", random chunks, seed " + seed);
        }
    }

    private static Outcome parse(byte[] input, int[] chunks) {
        return parse(input, chunks, EventStreamParser.DEFAULT_MAX_EVENT_SIZE);
    }

    private static Outcome parse(byte[] input, int[] chunks, int maxEventSize) {
        List<MessageEvent> events = new ArrayList<>();
        List<Long> retries = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(new EventStreamParser.Handler() {
            @Override
            public void onEvent(MessageEvent event) {
                events.add(event);
            }

            @Override
            public void onRetry(long millis) {
                retries.add(millis);
            }
        }, "", maxEventSize);
        int offset = 0;
        for (int n : chunks) {
            // Copy each chunk into a reused, dirty array, as a read loop would.
            byte[] chunk = new byte[n + 4];
            java.util.Arrays.fill(chunk, (byte) 'X');
            System.arraycopy(input, offset, chunk, 2, n);
            try {
                parser.feed(chunk, 2, n);
            } catch (ProtocolException e) {
                throw new UncheckedIOException(e);
            }
            offset += n;
        }
        return new Outcome(events, retries, parser.lastEventId());
    }

    /** A parser that adds every event it dispatches to {@code events} and ignores retry hints. */
    private static EventStreamParser collecting(List<MessageEvent> events, String lastEventId, int maxEventSize) {
        return new EventStreamParser(new EventStreamParser.Handler() {
            @Override
            public void onEvent(MessageEvent event) {
                events.add(event);
            }

            @Override
            public void onRetry(long millis) {
            }
        }, lastEventId, maxEventSize);
    }

    @Test
    void dataLineDispatchesMessageOnBlankLine() {
        assertParses("data: hello\n\n", outcome("", ev("message", "hello", "")));
    }

    @Test
    void dataLinesAreJoinedWithLineFeed() {
        assertParses("data: a\ndata: b\ndata: c\n\n", outcome("", ev("message", "a\nb\nc", "")));
    }

    @Test
    void onlyTheLastLineFeedOfTheDataBufferIsRemoved() {
        assertParses("data: a\ndata\n\n", outcome("", ev("message", "a\n", "")));
    }

    @Test
    void exactlyOneLeadingSpaceIsRemovedFromAValue() {
        assertParses("data:  two\n\ndata:none\n\ndata: \n\n",
                outcome("", ev("message", " two", ""), ev("message", "none", ""), ev("message", "", "")));
    }

    @Test
    void fieldWithoutColonHasEmptyValue() {
        assertParses("data\n\ndata\ndata\n\n", outcome("", ev("message", "", ""), ev("message", "\n", "")));
    }

    @Test
    void colonsAfterTheFirstBelongToTheValue() {
        assertParses("data: a:b\n\ndata::x\n\n", outcome("", ev("message", "a:b", ""), ev("message", ":x", "")));
    }

    @Test
    void commentsAreIgnored() {
        assertParses(": hello\ndata: x\n:\n: more\n\n:only a comment\n\n", outcome("", ev("message", "x", "")));
    }

    @Test
    void unknownFieldsAndWrongCaseAreIgnored() {
        assertParses("foo: bar\nData: no\nDATA: no\ndata: yes\n\n", outcome("", ev("message", "yes", "")));
    }

    @Test
    void eventFieldSetsTypeForOneEventOnly() {
        assertParses("event: price\ndata: 1\n\ndata: 2\n\n",
                outcome("", ev("price", "1", ""), ev("message", "2", "")));
    }

    @Test
    void emptyEventFieldMeansMessage() {
        assertParses("event:\ndata: x\n\nevent: a\nevent\ndata: y\n\n",
                outcome("", ev("message", "x", ""), ev("message", "y", "")));
    }

    @Test
    void repeatedAndAlternatingTypesKeepTheirNames() {
        assertParses("event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: a\ndata: 3\n\nevent: a\ndata: 4\n\n",
                outcome("", ev("a", "1", ""), ev("b", "2", ""), ev("a", "3", ""), ev("a", "4", "")));
    }

    @Test
    void idPersistsAcrossEvents() {
        assertParses("id: 1\ndata: a\n\ndata: b\n\n", outcome("1", ev("message", "a", "1"), ev("message", "b", "1")));
    }

    @Test
    void emptyIdResetsTheLastEventId() {
        assertParses("id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\ndata: c\n\nid:\ndata: d\n\n",
                outcome("", ev("message", "a", "1"), ev("message", "b", ""), ev("message", "c", "2"), ev("message", "d", "")));
    }

    @Test
    void idContainingNulIsIgnored() {
        assertParses("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", outcome("1", ev("message", "a", "1"), ev("message", "b", "1")));
    }

    @Test
    void idWithoutDataSetsLastEventIdButDispatchesNothing() {
        assertParses("id: 5\n\n", outcome("5"));
    }

    @Test
    void eventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() {
        assertParses("event: x\n\ndata: y\n\n", outcome("", ev("message", "y", "")));
    }

    @Test
    void retryIsHonouredOnlyWhenAllAsciiDigits() {
        Outcome expected = new Outcome(List.of(ev("message", "x", "")), List.of(1500L, 10L, 0L), "");
        assertParses("retry: 1500\nretry: 0010\nretry: 15x\nretry: -1\nretry:\nretry: 1.5\nretry:  15\nretry: ١٢\nretry\nretry: 0\ndata: x\n\n",
                expected);
    }

    @Test
    void retryTooLargeForALongSaturates() {
        assertParses("retry: 99999999999999999999999\n",
                new Outcome(List.of(), List.of(Long.MAX_VALUE), ""));
    }

    @Test
    void unterminatedLastEventIsDiscarded() {
        assertParses("data: a\n\nid: 9\ndata: b\n", outcome("", ev("message", "a", "")));
        assertParses("data: a\n\ndata: b", outcome("", ev("message", "a", "")));
    }

    @Test
    void leadingByteOrderMarkIsStrippedOnce() {
        assertParses("\uFEFFdata: a\n\n", outcome("", ev("message", "a", "")));
        // A second BOM is part of the field name, which then names no field.
        assertParses("\uFEFF\uFEFFdata: a\n\ndata: b\n\n", outcome("", ev("message", "b", "")));
        assertParses("data: a\n\n\uFEFFdata: b\n\n", outcome("", ev("message", "a", "")));
        assertParses("data: \uFEFFa\n\n", outcome("", ev("message", "\uFEFFa", "")));
    }

    @Test
    void multiByteCharactersSurviveEverySplit() {
        assertParses("event: prix €\nid: 𝄞\ndata: héllo €𝄞 日本\n\n", outcome("𝄞", ev("prix €", "héllo €𝄞 日本", "𝄞")));
    }

    @Test
    void unicodeLineSeparatorsAreData() {
        assertParses("data: a\u2028b\u0085c\u000Bd\u000Ce\n\n", outcome("", ev("message", "a\u2028b\u0085c\u000Bd\u000Ce", "")));
    }

    @Test
    void malformedUtf8BecomesReplacementCharacter() {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes("data: a".getBytes(StandardCharsets.US_ASCII));
        input.write(0xFF);
        input.writeBytes("b\n\n".getBytes(StandardCharsets.US_ASCII));
        assertDeliveries(input.toByteArray(), outcome("", ev("message", "a\uFFFDb", "")), "0xFF");
    }

    @Test
    void mixedLineEndsInOneStreamAreEachOneLineEnd() {
        byte[] input = "data: a\rdata: b\ndata: c\r\ndata: d\n\r\n\rdata: e\r\r".getBytes(StandardCharsets.US_ASCII);
        assertDeliveries(input, outcome("", ev("message", "a\nb\nc\nd", ""), ev("message", "e", "")), "mixed");
    }

    @Test
    void carriageReturnEndingOneReadAndLineFeedStartingTheNextAreOneLineEnd() {
        byte[] first = "data: a\r".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "\ndata: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[first.length + second.length];
        System.arraycopy(first, 0, input, 0, first.length);
        System.arraycopy(second, 0, input, first.length, second.length);
        // Counted as two line ends, the split would dispatch "a" on its own.
        assertEquals(outcome("", ev("message", "a\nb", "")), parse(input, new int[] {first.length, 0, second.length}));
    }

    @Test
    void resetDropsThePartialEventAndKeepsTheLastEventId() throws Exception {
        List<MessageEvent> events = new ArrayList<>();
        EventStreamParser parser = collecting(events, "start", EventStreamParser.DEFAULT_MAX_EVENT_SIZE);
        byte[] first = "id: 1\ndata: a\n\nid: 2\nevent: t\ndata: lost\r".getBytes(StandardCharsets.US_ASCII);
        parser.feed(first, 0, first.length);
        parser.reset();
        // A new stream: the pending CR must not swallow this LF-less start, and a BOM is allowed again.
        byte[] second = "\uFEFFdata: b\n\n".getBytes(StandardCharsets.UTF_8);
        parser.feed(second, 0, second.length);
        assertEquals(List.of(ev("message", "a", "1"), ev("message", "b", "1")), events);
        assertEquals("1", parser.lastEventId());
    }

    @Test
    void initialLastEventIdAppliesUntilTheStreamSetsOne() throws Exception {
        List<MessageEvent> events = new ArrayList<>();
        EventStreamParser parser = collecting(events, "41", EventStreamParser.DEFAULT_MAX_EVENT_SIZE);
        byte[] input = "data: a\n\nid: 42\ndata: b\n\n".getBytes(StandardCharsets.US_ASCII);
        parser.feed(input, 0, input.length);
        assertEquals(List.of(ev("message", "a", "41"), ev("message", "b", "42")), events);
    }

    @Test
    void largeEventsSpanningManyReadsArriveWhole() {
        String big = "x".repeat(200_000);
        assertDeliveries(("data: " + big + "\ndata: " + big + "\n\ndata: small\n\n").getBytes(StandardCharsets.US_ASCII),
                outcome("", ev("message", big + "\n" + big, ""), ev("message", "small", "")), "large");
    }

    @Test
    void linesAndDataUpToTheLimitPass() {
        // 16 bytes: a line of exactly the limit, and data of exactly the limit over two lines.
        byte[] input = "data: 0123456789\n\ndata: 0123456\ndata: 01234567\n\n".getBytes(StandardCharsets.US_ASCII);
        Outcome expected = outcome("", ev("message", "0123456789", ""), ev("message", "0123456\n01234567", ""));
        assertEquals(expected, parse(input, new int[] {input.length}, 16), "whole");
        int[] ones = new int[input.length];
        java.util.Arrays.fill(ones, 1);
        assertEquals(expected, parse(input, ones, 16), "byte by byte");
    }

    @Test
    void aLineOrEventDataPastTheLimitIsRefusedWithTheEventsBeforeItDelivered() {
        for (String tooLarge : new String[] {
            "data: 0123456789A\n",             // a data line one byte too long
            ": a comment, as long as any\n",    // any line counts, not only data
            "data: 0123456\ndata: 012345678\n", // data over two lines, one byte too long
        }) {
            byte[] input = ("id: 1\ndata: before\n\n" + tooLarge + "\n").getBytes(StandardCharsets.US_ASCII);
            for (int chunk : new int[] {input.length, 1, 3}) {
                List<MessageEvent> events = new ArrayList<>();
                EventStreamParser parser = collecting(events, "", 16);
                ProtocolException e = assertThrows(ProtocolException.class, () -> {
                    for (int at = 0; at < input.length; at += chunk) {
                        parser.feed(input, at, Math.min(chunk, input.length - at));
                    }
                }, tooLarge + " in chunks of " + chunk);
                assertEquals("event larger than 16 bytes", e.getMessage());
                assertEquals(List.of(ev("message", "before", "1")), events, tooLarge + " in chunks of " + chunk);
                assertEquals("1", parser.lastEventId());
            }
        }
    }

    @Test
    void anEndlessLineIsRefusedAsSoonAsItPassesTheLimitAndResetStartsAfresh() throws Exception {
        List<MessageEvent> events = new ArrayList<>();
        EventStreamParser parser = collecting(events, "", 1024);
        byte[] chunk = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
        long fed = 0;
        try {
            // 100 MB unless refused: without a limit the line buffer would take it all.
            for (; fed < 100_000_000; fed += chunk.length) {
                parser.feed(chunk, 0, chunk.length);
            }
        } catch (ProtocolException e) {
            assertEquals("event larger than 1024 bytes", e.getMessage());
        }
        assertEquals(1000, fed, "refused by the chunk that would pass 1,024 bytes, before it is copied");
        parser.reset();
        byte[] next = "data: ok\n\n".getBytes(StandardCharsets.US_ASCII);
        parser.feed(next, 0, next.length);
        assertEquals(List.of(ev("message", "ok", "")), events);
    }
}

package org.jdksse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jdksse.testing.WhatwgParser;
import org.junit.jupiter.api.Test;

/**
 * Encodes random and adversarial events and reads them back with the tests' reference parser
 * ({@link WhatwgParser}: the WHATWG "interpreting an event stream" steps, literally), fed whole,
 * byte by byte and in random chunks.
 */
class SseEventRoundTripTest {
    private static final String[] ALPHABET = {
        "a", "Z", "0", " ", " ", ":", ": ", "\n", "\r", "\r\n", "\n\r", "\0", "\uFEFF", "\u2028", "\u2029",
        "\u0085", "\u000B", "\u000C", "\t", "\u00E9", "\u4E2D", "\uD83D\uDE00", "\uD800\uDC00", "data:", "id:", "\\",
    };

    /** What a client sees: the dispatched event's type, data and last event id, and the retry it learned. */
    record Seen(String type, String data, String lastEventId, long retry) {
    }

    @Test
    void fiveHundredRandomEventsSurviveWholeByteByByteAndInRandomChunks() {
        Random random = new Random(20261121);
        List<SseEvent> events = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            events.add(randomEvent(random, i));
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (SseEvent event : events) {
            wire.writeBytes(event.encode());
        }
        List<Seen> expected = expectedAfterRoundTrip(events);
        byte[] bytes = wire.toByteArray();

        assertEquals(expected, parse(bytes, new int[] {bytes.length}));
        assertEquals(expected, parse(bytes, new int[] {1}));
        for (int seed = 0; seed < 5; seed++) {
            Random chunks = new Random(seed);
            int[] sizes = new int[64];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = 1 + chunks.nextInt(17);
            }
            assertEquals(expected, parse(bytes, sizes));
        }
    }

    @Test
    void adversarialEventsSurvive() {
        List<SseEvent> events = List.of(
                SseEvent.of(" leading space"),
                SseEvent.of("  two leading spaces"),
                SseEvent.of(":colon first"),
                SseEvent.of(""),
                SseEvent.of("\n"),
                SseEvent.of("\r\n\r\n"),
                SseEvent.of("\uFEFFbom first"),
                SseEvent.of("nul\0inside"),
                SseEvent.of("data: fake field\nid: fake\nevent: fake\nretry: 1"),
                SseEvent.builder().event(" spaced type").id(" spaced id").data("x").build(),
                SseEvent.builder().event("").id("").data("empty type and id").build(),
                SseEvent.builder().comment("a comment\ndata: not data").data("after comment").build());
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        events.forEach(e -> wire.writeBytes(e.encode()));
        byte[] bytes = wire.toByteArray();
        assertEquals(expectedAfterRoundTrip(events), parse(bytes, new int[] {1}));
        assertEquals(expectedAfterRoundTrip(events), parse(bytes, new int[] {bytes.length}));
    }

    private static SseEvent randomEvent(Random random, int index) {
        SseEvent.Builder builder = SseEvent.builder().data(randomText(random, 40, true));
        if (random.nextInt(3) == 0) {
            builder.event(randomText(random, 10, false));
        }
        if (random.nextInt(2) == 0) {
            builder.id(randomText(random, 10, false).replace("\0", "") + index);
        }
        if (random.nextInt(5) == 0) {
            builder.comment(randomText(random, 20, true));
        }
        if (random.nextInt(7) == 0) {
            builder.retry(Duration.ofMillis(random.nextInt(100_000)));
        }
        return builder.build();
    }

    private static String randomText(Random random, int maxPieces, boolean lineBreaks) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(maxPieces + 1);
        for (int i = 0; i < pieces; i++) {
            String piece = ALPHABET[random.nextInt(ALPHABET.length)];
            if (lineBreaks || (piece.indexOf('\n') < 0 && piece.indexOf('\r') < 0)) {
                text.append(piece);
            }
        }
        return text.toString();
    }

    /** The protocol's own normalisations: CR and CRLF in data arrive as LF; no type means "message"; ids persist. */
    private static List<Seen> expectedAfterRoundTrip(List<SseEvent> events) {
        List<Seen> seen = new ArrayList<>();
        String lastId = "";
        long retry = -1;
        for (SseEvent e : events) {
            if (e.id() != null) {
                lastId = e.id();
            }
            if (e.retry() != null) {
                retry = e.retry().toMillis();
            }
            String type = e.event() == null || e.event().isEmpty() ? "message" : e.event();
            seen.add(new Seen(type, e.data().replace("\r\n", "\n").replace('\r', '\n'), lastId, retry));
        }
        return seen;
    }

    /** Feeds the reference parser in chunks of these sizes, in turn; each event is seen with the retry in force. */
    private static List<Seen> parse(byte[] bytes, int[] chunkSizes) {
        List<Seen> seen = new ArrayList<>();
        WhatwgParser[] parser = new WhatwgParser[1];
        parser[0] = WhatwgParser.of(e -> seen.add(new Seen(e.type(), e.data(), e.lastEventId(), parser[0].retry())), comment -> { });
        int offset = 0;
        for (int i = 0; offset < bytes.length; i++) {
            int size = Math.min(chunkSizes[i % chunkSizes.length], bytes.length - offset);
            parser[0].feed(bytes, offset, size);
            offset += size;
        }
        return seen;
    }
}

package org.jdksse.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.jdksse.testing.WhatwgParser.Comment;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.Test;

/** The reference parser against the examples and rules of the WHATWG section it follows. */
class WhatwgParserTest {

    private static List<Event> parse(String stream) {
        return WhatwgParser.parse(stream.getBytes(UTF_8));
    }

    @Test
    void theSpecsExampleDispatchesAnEmptyStringAndALineFeedButNotTheUnterminatedLastBlock() {
        assertEquals(List.of(new Event("message", "", ""), new Event("message", "\n", "")), parse("data\n\ndata\ndata\n\ndata:"));
    }

    @Test
    void oneSpaceAfterTheColonIsDroppedAndOnlyOne() {
        assertEquals(List.of(new Event("message", "test", ""), new Event("message", "test", ""), new Event("message", " two", "")),
                parse("data:test\n\ndata: test\n\ndata:  two\n\n"));
    }

    @Test
    void crLfAndCrLfEndLinesEvenWhenACrEndsOneChunkAndItsLfStartsTheNext() {
        List<Event> events = new ArrayList<>();
        WhatwgParser parser = WhatwgParser.of(events::add, c -> { });
        byte[] first = "data: a\r".getBytes(UTF_8);
        byte[] second = "\n\rdata: b\n\n".getBytes(UTF_8);
        parser.feed(first, 0, first.length);
        parser.feed(second, 0, second.length);
        assertEquals(List.of(new Event("message", "a", ""), new Event("message", "b", "")), events);
    }

    @Test
    void aLeadingBomIsDroppedOnceAndAnyOtherIsKept() {
        assertEquals(List.of(new Event("message", "\uFEFFx", "")), parse("\uFEFFdata: \uFEFFx\n\n"));
        assertEquals(List.of(), parse("\uFEFF\uFEFFdata: x\n\n"), "a second BOM makes the first field's name unknown");
    }

    @Test
    void idsPersistAnIdWithNulIsIgnoredAndAnEmptyIdResets() {
        assertEquals(List.of(new Event("message", "a", "1"), new Event("message", "b", "1"), new Event("message", "c", "1"),
                new Event("message", "d", "")), parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\0\ndata: c\n\nid\ndata: d\n\n"));
    }

    @Test
    void eventTypeResetsAfterEachDispatchAndRetryTakesDigitsOnly() {
        List<Event> events = new ArrayList<>();
        WhatwgParser parser = WhatwgParser.of(events::add, c -> { });
        byte[] bytes = "event: tick\nretry: 1500\ndata: 1\n\nretry: 15a\nretry: -1\nretry:\ndata: 2\n\nevent: x\n\ndata: 3\n\n"
                .getBytes(UTF_8);
        parser.feed(bytes, 0, bytes.length);
        assertEquals(List.of(new Event("tick", "1", ""), new Event("message", "2", ""), new Event("message", "3", "")), events);
        assertEquals(1500, parser.retry());
    }

    @Test
    void commentsGoToTheirOwnSinkAndChangeNothing() {
        List<Comment> comments = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        byte[] bytes = ":\n: keep-alive\ndata: a\n:inside\n\n".getBytes(UTF_8);
        WhatwgParser.of(events::add, comments::add).feed(bytes, 0, bytes.length);
        assertEquals(List.of(new Comment(""), new Comment("keep-alive"), new Comment("inside")), comments);
        assertEquals(List.of(new Event("message", "a", "")), events);
    }
}

package org.jdksse.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reference event-stream parser of the tests: the WHATWG "interpreting an event stream" steps,
 * literally, and independent of the library under test. Bytes split into lines at CR, LF or CRLF
 * (a CR may end one chunk and its LF start the next), a leading BOM is dropped, each line is
 * decoded as UTF-8, and a blank line dispatches the event when the data buffer is not empty.
 *
 * <p>Comment lines change nothing in the steps; they are handed to a second sink so that a test can
 * see heartbeats. Not thread-safe: one feeder at a time.
 */
public final class WhatwgParser {

    /**
     * One dispatched event, as a browser's {@code EventSource} hands it over.
     *
     * @param type        the event type, {@code message} when the stream named none
     * @param data        the data lines joined with LF
     * @param lastEventId the last event id in force when the event was dispatched ({@code ""} for none)
     */
    public record Event(String type, String data, String lastEventId) implements SseReader.Item {
    }

    /**
     * One comment line, the text after its colon (one leading space removed): a heartbeat.
     *
     * @param text the comment's text
     */
    public record Comment(String text) implements SseReader.Item {
    }

    private final Consumer<Event> events;
    private final Consumer<Comment> comments;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean afterCr;
    private boolean first = true;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer = "";
    private long retry = -1;

    private WhatwgParser(Consumer<Event> events, Consumer<Comment> comments) {
        this.events = events;
        this.comments = comments;
    }

    /**
     * Returns a parser that hands each dispatched event to {@code events} and each comment to
     * {@code comments}.
     *
     * @param events   receives the dispatched events, in order
     * @param comments receives the comment lines, in order
     * @return a new parser at the start of a stream
     */
    public static WhatwgParser of(Consumer<Event> events, Consumer<Comment> comments) {
        return new WhatwgParser(events, comments);
    }

    /**
     * Parses a whole stream and returns the events it dispatches; an event without its final blank
     * line is not dispatched, as the steps say.
     *
     * @param bytes the stream's bytes
     * @return the dispatched events
     */
    public static List<Event> parse(byte[] bytes) {
        List<Event> events = new ArrayList<>();
        of(events::add, c -> { }).feed(bytes, 0, bytes.length);
        return events;
    }

    /**
     * Feeds the next bytes of the stream.
     *
     * @param bytes  the buffer
     * @param offset where the new bytes start
     * @param length how many there are
     */
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (afterCr && b == '\n') {
                afterCr = false;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    /**
     * Returns the reconnection time the stream set with its last valid {@code retry} field, or -1.
     *
     * @return the reconnection time in milliseconds, or -1 if the stream set none
     */
    public long retry() {
        return retry;
    }

    private void line(String text) {
        if (first) {
            first = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "" -> comments.accept(new Comment(value));
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    retry = Long.parseLong(value);
                }
            }
            default -> { } // the steps ignore any other field
        }
    }

    private void dispatch() {
        String lastEventId = lastEventIdBuffer;
        if (data.isEmpty()) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        events.accept(new Event(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId));
        data.setLength(0);
        eventType = "";
    }
}

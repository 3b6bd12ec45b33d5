package org.jdksse.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import org.jdksse.testing.WhatwgParser.Comment;
import org.jdksse.testing.WhatwgParser.Event;

/**
 * Reads an event stream from a response body with the reference {@link WhatwgParser}: what a
 * browser would dispatch, and the comments between. It reads only as far as the next item needs
 * and blocks as long as the body's own read does (a {@link RawClient} bounds that with its read
 * timeout). One reader per stream, used by one thread.
 */
public final class SseReader {

    /** What a stream yields: a dispatched {@link Event} or a {@link Comment}. */
    public sealed interface Item permits Event, Comment {
    }

    private final InputStream body;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private final WhatwgParser parser = WhatwgParser.of(items::add, items::add);
    private final byte[] buffer = new byte[8192];

    private SseReader(InputStream body) {
        this.body = body;
    }

    /**
     * Returns a reader of this body, from its first byte.
     *
     * @param body the response body, de-chunked
     * @return a reader
     */
    public static SseReader of(InputStream body) {
        return new SseReader(body);
    }

    /**
     * Returns the next event or comment.
     *
     * @return the next item
     * @throws EOFException if the stream ends first
     * @throws IOException  if the read fails or times out
     */
    public Item nextItem() throws IOException {
        while (items.isEmpty()) {
            int n = body.read(buffer);
            if (n < 0) {
                throw new EOFException("the stream ended before the next event");
            }
            parser.feed(buffer, 0, n);
        }
        return items.poll();
    }

    /**
     * Returns the next dispatched event, skipping comments.
     *
     * @return the next event
     * @throws EOFException if the stream ends first
     * @throws IOException  if the read fails or times out
     */
    public Event next() throws IOException {
        for (;;) {
            if (nextItem() instanceof Event event) {
                return event;
            }
        }
    }

    /**
     * Returns the next comment, skipping events: a heartbeat.
     *
     * @return the next comment
     * @throws EOFException if the stream ends first
     * @throws IOException  if the read fails or times out
     */
    public Comment nextComment() throws IOException {
        for (;;) {
            if (nextItem() instanceof Comment comment) {
                return comment;
            }
        }
    }

    /**
     * Returns the reconnection time the stream has set so far, or -1.
     *
     * @return the last valid {@code retry} in milliseconds, or -1
     */
    public long retry() {
        return parser.retry();
    }
}

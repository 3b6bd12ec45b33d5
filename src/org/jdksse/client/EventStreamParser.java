package org.jdksse.client;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The WHATWG "interpreting an event stream" algorithm, fed raw bytes in chunks of any size.
 *
 * <p>It works on bytes because CR and LF can never occur inside a UTF-8 sequence: a line is
 * complete as soon as its end byte arrives, so a character split across two reads is simply
 * decoded later, with the rest of its line. A line that lies within one chunk is interpreted in
 * place; only a line split across chunks is copied. Per dispatched event it allocates the data
 * string and the event; the type string is reused while it repeats.
 *
 * <p>It holds at most one line and one event's data, each bounded by the limit it is made with:
 * a stream that sends a longer line, or more data before a blank line, is refused with a
 * {@link ProtocolException} before the excess is copied, so that no server can make it grow
 * without end. After a refusal it must be {@linkplain #reset() reset} before it is fed again.
 *
 * <p>Not thread-safe: one connection's reading thread feeds it.
 */
final class EventStreamParser {

    /** Receives what the stream dispatches, on the thread that calls {@link #feed}. */
    interface Handler {
        void onEvent(MessageEvent event);

        void onRetry(long millis);
    }

    /** The default limit of a line and of an event's data: far above any event a server means to send. */
    static final int DEFAULT_MAX_EVENT_SIZE = 4 << 20;
    /** The largest limit there may be, which keeps every buffer well inside an array's reach. */
    static final int MAX_EVENT_SIZE_LIMIT = 1 << 30;

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    /** Buffers that grew for one large event shrink back past this, so one burst does not pin memory. */
    private static final int KEEP = 64 * 1024;

    private final Handler handler;
    /** The longest line, field name included, and the longest data of one event, in bytes. */
    private final int maxEventSize;

    private byte[] line = new byte[128];
    private int lineLength;
    /** The previous chunk ended with CR: an LF starting this chunk belongs to that line end. */
    private boolean skipLineFeed;
    private boolean firstLine = true;

    private byte[] data = new byte[256];
    private int dataLength;
    /** The event type buffer; empty means "message". */
    private String type = "";
    private String lastType = "";
    private byte[] lastTypeBytes = new byte[0];
    private String idBuffer;
    private String lastEventId;

    EventStreamParser(Handler handler, String lastEventId, int maxEventSize) {
        this.handler = handler;
        this.maxEventSize = maxEventSize;
        this.lastEventId = lastEventId;
        this.idBuffer = lastEventId;
    }

    /** Returns the last event ID string: the id buffer as of the last dispatch. */
    String lastEventId() {
        return lastEventId;
    }

    /**
     * Starts a new stream: drops a partial line and an undispatched event (the spec discards an
     * event the stream did not finish) and keeps the last event id, which the next connection
     * sends back.
     */
    void reset() {
        lineLength = 0;
        skipLineFeed = false;
        firstLine = true;
        dataLength = 0;
        type = "";
        idBuffer = lastEventId;
        if (line.length > KEEP) {
            line = new byte[128];
        }
        if (data.length > KEEP) {
            data = new byte[256];
        }
    }

    /**
     * Interprets {@code length} bytes at {@code offset}; the caller may reuse the array afterwards.
     * Events before a refusal have been handed to the handler.
     *
     * @throws ProtocolException if a line or an event's data is longer than the limit
     */
    void feed(byte[] bytes, int offset, int length) throws ProtocolException {
        int end = offset + length;
        int i = offset;
        if (skipLineFeed && i < end) {
            skipLineFeed = false;
            if (bytes[i] == LF) {
                i++;
            }
        }
        int start = i;
        while (i < end) {
            byte b = bytes[i];
            if (b != LF && b != CR) {
                i++;
                continue;
            }
            if (lineLength == 0) {
                line(bytes, start, i);
            } else {
                append(bytes, start, i);
                line(line, 0, lineLength);
                lineLength = 0;
            }
            i++;
            if (b == CR) {
                if (i == end) {
                    skipLineFeed = true;
                } else if (bytes[i] == LF) {
                    i++;
                }
            }
            start = i;
        }
        if (start < end) {
            append(bytes, start, end);
        }
    }

    private void append(byte[] bytes, int from, int to) throws ProtocolException {
        int n = to - from;
        if (lineLength + n > maxEventSize) {
            throw tooLarge();
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, grown(line.length, lineLength + n, maxEventSize));
        }
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
    }

    private void line(byte[] b, int from, int to) throws ProtocolException {
        // A line that lay whole within one chunk was never appended, so never checked.
        if (to - from > maxEventSize) {
            throw tooLarge();
        }
        if (firstLine) {
            firstLine = false;
            // The UTF-8 decoder the spec calls for strips one leading byte order mark.
            if (to - from >= 3 && b[from] == (byte) 0xEF && b[from + 1] == (byte) 0xBB && b[from + 2] == (byte) 0xBF) {
                from += 3;
            }
        }
        if (from == to) {
            dispatch();
            return;
        }
        if (b[from] == ':') {
            return;
        }
        int colon = from;
        while (colon < to && b[colon] != ':') {
            colon++;
        }
        int value = colon;
        if (colon < to) {
            value++;
            if (value < to && b[value] == ' ') {
                value++;
            }
        }
        field(b, from, colon, value, to);
    }

    private void field(byte[] b, int nameFrom, int nameTo, int from, int to) throws ProtocolException {
        if (is(DATA, b, nameFrom, nameTo)) {
            int n = to - from;
            // dataLength counts the LF after each earlier line: the data so far, joined as dispatched.
            if (dataLength + n > maxEventSize) {
                throw tooLarge();
            }
            if (dataLength + n + 1 > data.length) {
                data = Arrays.copyOf(data, grown(data.length, dataLength + n + 1, maxEventSize + 1));
            }
            System.arraycopy(b, from, data, dataLength, n);
            dataLength += n;
            data[dataLength++] = LF;
        } else if (is(EVENT, b, nameFrom, nameTo)) {
            // Streams repeat the same few types, so keep the last string while the bytes match.
            if (!Arrays.equals(b, from, to, lastTypeBytes, 0, lastTypeBytes.length)) {
                lastTypeBytes = Arrays.copyOfRange(b, from, to);
                lastType = decode(b, from, to);
            }
            type = lastType;
        } else if (is(ID, b, nameFrom, nameTo)) {
            for (int i = from; i < to; i++) {
                if (b[i] == 0) {
                    return;
                }
            }
            idBuffer = decode(b, from, to);
        } else if (is(RETRY, b, nameFrom, nameTo)) {
            if (from == to) {
                return;
            }
            long millis = 0;
            for (int i = from; i < to; i++) {
                int digit = b[i] - '0';
                if (digit < 0 || digit > 9) {
                    return;
                }
                // A delay beyond Long.MAX_VALUE ms is "never" either way; saturate rather than wrap.
                millis = millis > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : millis * 10 + digit;
            }
            handler.onRetry(millis);
        }
    }

    private void dispatch() {
        lastEventId = idBuffer;
        if (dataLength == 0) {
            type = "";
            return;
        }
        // Every data field appended an LF; the spec removes the last one.
        String text = decode(data, 0, dataLength - 1);
        String eventType = type.isEmpty() ? "message" : type;
        dataLength = 0;
        type = "";
        if (data.length > KEEP) {
            data = new byte[256];
        }
        handler.onEvent(new MessageEvent(eventType, text, lastEventId));
    }

    /** Returns a buffer's next capacity: doubled, or what it needs, but never past what the limit lets it hold. */
    private static int grown(int capacity, int needed, int most) {
        return (int) Math.min(most, Math.max(2L * capacity, needed));
    }

    private ProtocolException tooLarge() {
        return new ProtocolException("event larger than " + maxEventSize + " bytes");
    }

    private static boolean is(byte[] name, byte[] b, int from, int to) {
        return Arrays.equals(name, 0, name.length, b, from, to);
    }

    private static String decode(byte[] b, int from, int to) {
        // new String replaces malformed bytes with U+FFFD, as the spec's decoder does, with one
        // difference: an encoded surrogate (ED A0 80) gives one U+FFFD here and three there.
        return from == to ? "" : new String(b, from, to - from, StandardCharsets.UTF_8);
    }
}

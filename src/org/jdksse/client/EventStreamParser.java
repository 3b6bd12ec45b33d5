package org.jdksse.client;

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
 * <p>Not thread-safe: one connection's reading thread feeds it.
 */
final class EventStreamParser {

    /** Receives what the stream dispatches, on the thread that calls {@link #feed}. */
    interface Handler {
        void onEvent(MessageEvent event);

        void onRetry(long millis);
    }

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    /** Buffers that grew for one large event shrink back past this, so one burst does not pin memory. */
    private static final int KEEP = 64 * 1024;

    private final Handler handler;

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

    EventStreamParser(Handler handler, String lastEventId) {
        this.handler = handler;
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

    /** Interprets {@code length} bytes at {@code offset}; the caller may reuse the array afterwards. */
    void feed(byte[] bytes, int offset, int length) {
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

    private void append(byte[] bytes, int from, int to) {
        int n = to - from;
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
    }

    private void line(byte[] b, int from, int to) {
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

    private void field(byte[] b, int nameFrom, int nameTo, int from, int to) {
        if (is(DATA, b, nameFrom, nameTo)) {
            int n = to - from;
            if (dataLength + n + 1 > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + n + 1));
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

    private static boolean is(byte[] name, byte[] b, int from, int to) {
        return Arrays.equals(name, 0, name.length, b, from, to);
    }

    private static String decode(byte[] b, int from, int to) {
        // new String replaces each malformed sequence with U+FFFD, as the spec's decoder does.
        return from == to ? "" : new String(b, from, to - from, StandardCharsets.UTF_8);
    }
}

package org.jdksse.redis;

import java.io.IOException;
import java.util.List;

/**
 * The part of {@code XINFO STREAM} the log uses: how many entries the stream holds, its first
 * entry's id, the last id it generated, and how many entries were ever added (Redis 7; -1 before),
 * all from one command, so one moment.
 */
record StreamInfo(long length, StreamId first, StreamId lastGenerated, long entriesAdded) {
    /** The stream that does not exist (yet). */
    static final StreamInfo ABSENT = new StreamInfo(0, null, StreamId.ZERO, 0);

    /** Reads it with this command runner; a missing key is {@link #ABSENT}. */
    static StreamInfo read(Caller caller, String key) throws IOException {
        try {
            return parse(caller.call(command(key)));
        } catch (Resp.ErrorReply e) {
            return of(e);
        }
    }

    /** Returns the command that asks for it. */
    static Object[] command(String key) {
        return new Object[] {"XINFO", "STREAM", key};
    }

    /** Reads it from a reply to {@link #command}, which may be an error: a missing key is {@link #ABSENT}. */
    static StreamInfo of(Object reply) throws IOException {
        if (reply instanceof Resp.ErrorReply e) {
            if (e.getMessage().contains("no such key")) {
                return ABSENT;
            }
            throw new Resp.ErrorReply(e.getMessage());
        }
        return parse(reply);
    }

    /** Runs one command; lets the reader's own connection and the pool share {@link #read}. */
    @FunctionalInterface
    interface Caller {
        Object call(Object... args) throws IOException;
    }

    static StreamInfo parse(Object reply) throws IOException {
        if (!(reply instanceof List<?> pairs)) {
            throw new IOException("redis sent an XINFO reply that is not a list");
        }
        long length = 0;
        StreamId first = null;
        StreamId last = StreamId.ZERO;
        long added = -1;
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            Object value = pairs.get(i + 1);
            switch (String.valueOf(pairs.get(i))) {
                case "length" -> length = value instanceof Long n ? n : 0;
                case "last-generated-id" -> last = StreamId.parse(String.valueOf(value));
                case "entries-added" -> added = value instanceof Long n ? n : -1;
                case "first-entry" -> first = value instanceof List<?> entry && !entry.isEmpty() ? StreamId.parse(String.valueOf(entry.get(0))) : null;
                default -> {
                    // Other fields are not used.
                }
            }
        }
        if (last == null) {
            throw new IOException("redis sent an XINFO reply without a last-generated-id");
        }
        return new StreamInfo(length, first, last, added);
    }
}

package org.jdksse.redis;

/**
 * A stream entry id, {@code <ms>-<seq>}: two unsigned 64-bit numbers, ordered as such (never as
 * strings: {@code 9-0} comes before {@code 10-0}).
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {
    static final StreamId ZERO = new StreamId(0, 0);

    /** Returns the id, or {@code null} when the text is not {@code <digits>-<digits>} within 64 bits. */
    static StreamId parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1 || dash > 20 || text.length() - dash - 1 > 20) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (i != dash && (c < '0' || c > '9')) {
                return null;
            }
        }
        try {
            return new StreamId(Long.parseUnsignedLong(text, 0, dash, 10), Long.parseUnsignedLong(text, dash + 1, text.length(), 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Returns the id, or throws naming the field. */
    static StreamId require(String field, String text) {
        StreamId id = parse(text);
        if (id == null) {
            throw new IllegalArgumentException(field + " must be a stream id <ms>-<seq>: " + text);
        }
        return id;
    }

    /** Returns the smallest id above this one: XRANGE's inclusive start made exclusive, on any Redis. */
    StreamId next() {
        return seq == -1L ? new StreamId(ms + 1, 0) : new StreamId(ms, seq + 1);
    }

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}

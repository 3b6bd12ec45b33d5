package org.jdksse;

import java.util.Arrays;

/**
 * A growable byte buffer that writes event-stream lines as UTF-8 in one pass over the text,
 * so that a payload is scanned once for line ends and encoded at the same time.
 */
final class FrameWriter {
    private byte[] bytes;
    private int size;

    FrameWriter(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** Throws if {@code value} holds an unpaired surrogate: UTF-8 cannot carry it, and a silent '?' would change the data. */
    static void requireWellFormed(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " holds an unpaired surrogate at index " + i);
            }
        }
    }

    /** Writes one {@code name: value} line per line of {@code text}, splitting on CR, LF and CRLF. */
    void lines(String name, String text) {
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                field(name, text, start, i);
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        field(name, text, start, n);
    }

    /** Writes {@code name:} and, when the value is not empty, a space and the value; then LF. */
    void field(String name, String text, int from, int to) {
        ensure(name.length() + 2 + 3 * (to - from) + 1);
        for (int i = 0; i < name.length(); i++) {
            bytes[size++] = (byte) name.charAt(i);
        }
        bytes[size++] = ':';
        if (from < to) {
            bytes[size++] = ' ';
            encode(text, from, to);
        }
        bytes[size++] = '\n';
    }

    void newline() {
        ensure(1);
        bytes[size++] = '\n';
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** Encodes chars [from, to) as UTF-8; the caller has ensured 3 bytes per char (a surrogate pair takes 4 bytes for 2 chars). */
    private void encode(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes[size++] = (byte) c;
            } else if (c < 0x800) {
                bytes[size++] = (byte) (0xC0 | c >> 6);
                bytes[size++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                bytes[size++] = (byte) (0xF0 | cp >> 18);
                bytes[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[size++] = (byte) (0x80 | cp & 0x3F);
            } else {
                bytes[size++] = (byte) (0xE0 | c >> 12);
                bytes[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[size++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}

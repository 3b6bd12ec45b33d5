package org.jdksse.hub;

/**
 * The hub's one JSON string writer (the JDK has none), in two forms that differ in one rule: what
 * happens to text outside ASCII.
 *
 * <p>Both forms escape the quote, the backslash, every C0 control and DEL; they write an unpaired
 * surrogate as {@code \}{@code uXXXX}, so that it never becomes an invalid UTF-8 byte, and
 * U+2028 and U+2029 likewise, since they are valid JSON but end a line in JavaScript that evaluates
 * one. Every string written is valid JSON that reads back as the same {@code String}.
 *
 * <p>Concurrency: stateless; any thread may use either form.
 */
enum JsonString {
    /** Everything outside printable ASCII as {@code \}{@code uXXXX}: for HTTP bodies, whatever reads them. */
    ASCII,
    /** Text outside ASCII as it is, for people reading lines in a terminal ({@code listen}). */
    READABLE;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * Appends {@code text} as a JSON string, quotes included.
     *
     * @return {@code out}
     */
    StringBuilder append(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        out.append(c);
                    } else if (this == ASCII || c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                        escape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        escape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private static void escape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}

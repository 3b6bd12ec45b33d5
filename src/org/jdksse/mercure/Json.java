package org.jdksse.mercure;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The package's one JSON reader and writer: strict RFC 8259 parsing of token headers and claims
 * into {@code Map} (insertion-ordered), {@code List}, {@code String}, {@link BigDecimal},
 * {@code Boolean} and {@code null}, and writing the same types back.
 *
 * <p>Parsing refuses duplicate member names (a token whose claims could be read two ways is
 * refused rather than guessed), nesting deeper than {@link #MAX_DEPTH}, and trailing text.
 */
final class Json {
    /** Deeper nesting is refused: recursion must stay bounded whatever a client sends. */
    static final int MAX_DEPTH = 32;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Thrown for text that is not one JSON value; the message is one line without the text. */
    static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses one JSON value filling the whole text. */
    static Object parse(String text) throws JsonException {
        Json json = new Json(text);
        json.space();
        Object value = json.value(0);
        json.space();
        if (json.pos != text.length()) {
            throw new JsonException("trailing characters after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws JsonException {
        if (depth > MAX_DEPTH) {
            throw new JsonException("JSON nested deeper than " + MAX_DEPTH);
        }
        if (pos >= text.length()) {
            throw new JsonException("JSON ends early");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new JsonException("unexpected character in JSON at offset " + pos);
            }
        };
    }

    private Map<String, Object> object(int depth) throws JsonException {
        Map<String, Object> members = new LinkedHashMap<>();
        pos++;
        space();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw new JsonException("expected a member name in JSON at offset " + pos);
            }
            String name = string();
            space();
            expect(':');
            space();
            Object value = value(depth + 1);
            if (members.containsKey(name)) {
                throw new JsonException("duplicate JSON member " + quote(name));
            }
            members.put(name, value);
            space();
            char c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw new JsonException("expected , or } in JSON at offset " + (pos - 1));
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        List<Object> items = new ArrayList<>();
        pos++;
        space();
        if (peek() == ']') {
            pos++;
            return items;
        }
        while (true) {
            space();
            items.add(value(depth + 1));
            space();
            char c = next();
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                throw new JsonException("expected , or ] in JSON at offset " + (pos - 1));
            }
        }
    }

    private String string() throws JsonException {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new JsonException("control character in a JSON string at offset " + (pos - 1));
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw new JsonException("JSON ends inside a \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos++), 16);
                        if (digit < 0) {
                            throw new JsonException("bad \\u escape in JSON at offset " + (pos - 1));
                        }
                        code = code << 4 | digit;
                    }
                    out.append((char) code);
                }
                default -> throw new JsonException("bad escape in JSON at offset " + (pos - 1));
            }
        }
    }

    private BigDecimal number() throws JsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw new JsonException("bad number in JSON at offset " + start);
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw new JsonException("bad number in JSON at offset " + start);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw new JsonException("bad number in JSON at offset " + start);
            }
        }
        if (pos - start > 64) {
            throw new JsonException("number too long in JSON at offset " + start);
        }
        return new BigDecimal(text.substring(start, pos));
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object word(String word, Object value) throws JsonException {
        if (!text.startsWith(word, pos)) {
            throw new JsonException("unexpected word in JSON at offset " + pos);
        }
        pos += word.length();
        return value;
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() throws JsonException {
        if (pos >= text.length()) {
            throw new JsonException("JSON ends early");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) throws JsonException {
        if (next() != c) {
            throw new JsonException("expected " + c + " in JSON at offset " + (pos - 1));
        }
    }

    /** JSON text already written (a token's payload, made by {@link #write}), put into a document as is. */
    record Raw(String text) {
    }

    /** Writes a value of the types {@link #parse} returns (any {@code Number} too, and {@link Raw}). */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(s, out);
            case Boolean b -> out.append(b);
            case Raw raw -> out.append(raw.text());
            case BigDecimal d -> out.append(d.toString());
            case Number n -> out.append(n);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> member : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(String.valueOf(member.getKey()), out);
                    out.append(':');
                    write(member.getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON type: " + value.getClass().getName());
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        quote(s, out);
        return out.toString();
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // Line and paragraph separators too: some JavaScript parsers take them as line ends.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

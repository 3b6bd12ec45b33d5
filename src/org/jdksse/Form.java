package org.jdksse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one decoder of {@code application/x-www-form-urlencoded} text, for query strings and form
 * bodies alike, with one rule for a malformed pair: it is refused, never skipped or guessed at
 * ({@link java.net.URLDecoder} turns broken UTF-8 into U+FFFD), so that a request the client did
 * not mean never reaches a handler as one it did.
 */
final class Form {
    private Form() {
    }

    /**
     * Decodes pairs in order ({@code +} is a space, empty pairs are ignored, a pair without
     * {@code =} has the value {@code ""}).
     *
     * @param text the encoded text, or null
     * @param what what the pairs are, for the message: {@code query parameter} or {@code form field}
     * @return the values by name, each in order
     * @throws IllegalArgumentException naming the pair, if an escape is malformed or the escaped
     *                                  bytes are not UTF-8
     */
    static Map<String, List<String>> decode(String text, String what) {
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return pairs;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = component(rawName);
            if (name == null) {
                throw new IllegalArgumentException("a " + what + " name is not validly percent-encoded UTF-8: "
                        + quote(rawName));
            }
            String value = eq < 0 ? "" : component(pair.substring(eq + 1));
            if (value == null) {
                throw new IllegalArgumentException("the " + what + " " + quote(name)
                        + " is not validly percent-encoded UTF-8");
            }
            pairs.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return pairs;
    }

    /** Decodes one component, or returns null if it is malformed. */
    private static String component(String encoded) {
        if (encoded.indexOf('%') < 0 && encoded.indexOf('+') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Unescaped non-ASCII (text already decoded from UTF-8): keep it as its UTF-8 bytes.
                int end = Character.isHighSurrogate(c) && i + 1 < encoded.length() ? i + 2 : i + 1;
                bytes.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Quotes a client's text for a one-line message: short, without line breaks. */
    private static String quote(String text) {
        String shown = text.length() <= 40 ? text : text.substring(0, 40) + "...";
        return "\"" + shown.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }
}

package org.jdksse.mercure;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code application/x-www-form-urlencoded} text strictly (a broken escape or bytes that
 * are not UTF-8 are refused, where {@link java.net.URLDecoder} would guess) and request bodies
 * within a limit.
 */
final class Form {
    /** The largest publish body: an update is a message, not an upload. */
    static final int BODY_LIMIT = 1 << 20;

    private Form() {
    }

    /** Decodes the pairs in order, each name with its values in order; throws naming {@code what}. */
    static Map<String, List<String>> decode(String text, String what) throws Refusal {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = component(eq < 0 ? pair : pair.substring(0, eq), what);
            String value = eq < 0 ? "" : component(pair.substring(eq + 1), what);
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static String component(String encoded, String what) throws Refusal {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new Refusal(400, "the " + what + " has a malformed percent escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return Utf8Text.strict(bytes.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "the " + what + " is not valid UTF-8");
        }
    }

    /** Reads the body as text, at most {@link #BODY_LIMIT} bytes (413 beyond, 400 if not UTF-8). */
    static String body(HttpExchange exchange) throws Refusal, IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(BODY_LIMIT + 1);
            if (bytes.length > BODY_LIMIT) {
                exchange.getResponseHeaders().set("Connection", "close");
                throw new Refusal(413, "the body is over the limit of " + BODY_LIMIT + " bytes");
            }
            // Strict decoding happens per component: the escapes are ASCII, the rest must be UTF-8.
            try {
                return Utf8Text.strict(bytes);
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "the body is not valid UTF-8");
            }
        }
    }

    /** Returns the field's only value, or null; a repeated single-valued field is refused. */
    static String single(Map<String, List<String>> fields, String name) throws Refusal {
        List<String> values = fields.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new Refusal(400, name + " is given more than once");
        }
        return values.get(0);
    }

    /** Says whether a Content-Type is the form type, whatever its parameters. */
    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/x-www-form-urlencoded");
    }
}

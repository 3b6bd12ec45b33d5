package org.jdksse.hub;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.SseEvent;

/**
 * {@code POST /events}: checks who may publish, reads a bounded body, validates every field and
 * only then publishes, so that a refused request changes nothing.
 */
final class Publisher {
    /** The largest body accepted: an event is a message, not an upload. */
    static final int BODY_LIMIT = 1 << 20;
    /**
     * How much of an oversized body is read and thrown away before answering 413: a socket closed
     * with unread bytes resets, and the client would lose the answer along with the connection.
     */
    private static final long DRAIN_LIMIT = 4L * BODY_LIMIT;

    private final Broadcaster broadcaster;
    /** The token's SHA-256, or null when publishing is for loopback clients only. */
    private final byte[] tokenDigest;

    Publisher(Broadcaster broadcaster, String token) {
        this.broadcaster = broadcaster;
        this.tokenDigest = token == null ? null : sha256(token);
    }

    /** A request that must be refused: a status and a one-line reason. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        String id;
        try {
            authorize(exchange);
            Publication publication = read(exchange);
            try {
                id = broadcaster.publish(publication.topic(), publication.event());
            } catch (IllegalArgumentException invalidTopic) {
                throw new Refusal(400, oneLine(invalidTopic.getMessage()));
            } catch (UncheckedIOException logDown) {
                // Nothing was acknowledged: the publisher may retry, here or on another hub.
                throw new Refusal(503, "the event log is unavailable; retry later");
            }
        } catch (Refusal refusal) {
            if (refusal.status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"jdk-sse\"");
            }
            if (refusal.status == 503) {
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            if (refusal.status == 413) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            Sse.respond(exchange, refusal.status, refusal.getMessage());
            return;
        }
        Sse.respond(exchange, 200, id);
    }

    /** What a valid request publishes. */
    record Publication(String topic, SseEvent event) {
    }

    private void authorize(HttpExchange exchange) throws Refusal {
        if (tokenDigest == null) {
            InetSocketAddress remote = exchange.getRemoteAddress();
            // Without a token anyone who can reach the port could publish, so only this machine may.
            if (remote == null || remote.getAddress() == null || !remote.getAddress().isLoopbackAddress()) {
                throw new Refusal(403, "publishing is open to loopback clients only; start the hub with --publish-token");
            }
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String prefix = "bearer ";
        if (header == null || header.length() <= prefix.length()
                || !header.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
            throw new Refusal(401, "publishing needs Authorization: Bearer TOKEN");
        }
        // Comparing digests keeps the time independent of where, and whether the lengths, differ.
        byte[] presented = sha256(header.substring(prefix.length()).strip());
        if (!MessageDigest.isEqual(presented, tokenDigest)) {
            throw new Refusal(401, "the publish token is wrong");
        }
    }

    /** Reads and validates the whole request; throws before anything is published. */
    private static Publication read(HttpExchange exchange) throws Refusal, IOException {
        Map<String, List<String>> query = form(exchange.getRequestURI().getRawQuery(), "query");
        String body = utf8(body(exchange), "the body");
        String topic = single(query, "topic");
        String type = single(query, "event");
        String data;
        if (isForm(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            Map<String, List<String>> fields = form(body, "form body");
            data = single(fields, "data");
            if (data == null) {
                throw new Refusal(400, "data is required (a form field named data)");
            }
            String formTopic = single(fields, "topic");
            String formType = single(fields, "event");
            // The body is the more specific place: it wins over the query.
            topic = formTopic != null ? formTopic : topic;
            type = formType != null ? formType : type;
        } else {
            data = body;
        }
        topic = topic == null ? "default" : topic;
        try {
            SseEvent event = SseEvent.builder().event(type == null || type.isEmpty() ? null : type).data(data).build();
            return new Publication(topic, event);
        } catch (IllegalArgumentException invalid) {
            throw new Refusal(400, oneLine(invalid.getMessage()));
        }
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/x-www-form-urlencoded");
    }

    /** Reads at most {@link #BODY_LIMIT} bytes; more is refused with 413 after a bounded drain. */
    private static byte[] body(HttpExchange exchange) throws Refusal, IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw new Refusal(400, "Content-Length is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            if (length > BODY_LIMIT) {
                if (length <= BODY_LIMIT + DRAIN_LIMIT) {
                    in.skipNBytes(length);
                }
                throw new Refusal(413, "the body is over the limit of " + BODY_LIMIT + " bytes");
            }
            byte[] bytes = in.readNBytes(BODY_LIMIT + 1);
            if (bytes.length > BODY_LIMIT) {
                in.transferTo(new DiscardingStream(DRAIN_LIMIT));
                throw new Refusal(413, "the body is over the limit of " + BODY_LIMIT + " bytes");
            }
            return bytes;
        }
    }

    /** Swallows what an oversized body still sends, up to a bound, then gives up on the connection. */
    private static final class DiscardingStream extends java.io.OutputStream {
        private long left;

        DiscardingStream(long limit) {
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            left -= len;
            if (left < 0) {
                throw new IOException("oversized body: stopped draining");
            }
        }
    }

    /** Decodes strictly: malformed UTF-8 is refused rather than turned into U+FFFD and published. */
    private static String utf8(byte[] bytes, String what) throws Refusal {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Refusal(400, what + " is not valid UTF-8");
        }
    }

    /**
     * Decodes {@code application/x-www-form-urlencoded} text strictly: a broken escape or
     * escaped bytes that are not UTF-8 are refused ({@link java.net.URLDecoder} would guess).
     */
    static Map<String, List<String>> form(String text, String what) throws Refusal {
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
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Unescaped non-ASCII (already decoded from UTF-8 text): keep it as its UTF-8 bytes.
                int end = Character.isHighSurrogate(c) && i + 1 < encoded.length() ? i + 2 : i + 1;
                bytes.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return utf8(bytes.toByteArray(), "the " + what);
    }

    /** Returns the field's only value, or null; a repeated field is ambiguous and refused. */
    private static String single(Map<String, List<String>> fields, String name) throws Refusal {
        List<String> values = fields.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new Refusal(400, name + " given more than once (publish one event to one topic per request)");
        }
        return values.get(0);
    }

    /** A reason goes out as one short line, even when it quotes a long value with line breaks in it. */
    private static String oneLine(String text) {
        String line = text.replace("\r", "\\r").replace("\n", "\\n");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}

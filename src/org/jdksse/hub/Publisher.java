package org.jdksse.hub;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.SseEvent;
import org.jdksse.Update;
import org.jdksse.mercure.Mercure;

/**
 * {@code POST /events}: checks who may publish, reads a bounded body, validates every field and
 * only then publishes, so that a refused request changes nothing.
 */
final class Publisher {
    /** The largest body accepted: an event is a message, not an upload (the library's reader enforces it). */
    static final int BODY_LIMIT = 1 << 20;

    private final Broadcaster broadcaster;
    /** The token's SHA-256, or null when publishing is for loopback clients only. */
    private final byte[] tokenDigest;

    /** The origins whose pages may publish without a token (--cors-origin), or {@code *} for any. */
    private final Set<String> pageOrigins;

    Publisher(Broadcaster broadcaster, String token, Collection<String> pageOrigins) {
        this.broadcaster = broadcaster;
        this.tokenDigest = token == null ? null : sha256(token);
        this.pageOrigins = Set.copyOf(pageOrigins);
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
            if (publication == null) {
                return; // the body reader has answered (413, 408 or 400)
            }
            try {
                id = broadcaster.publish(publication.topic(), publication.event());
            } catch (IllegalArgumentException invalidTopic) {
                throw new Refusal(400, invalidTopic.getMessage());
            } catch (IllegalStateException closed) {
                // Shutting down: an id now would acknowledge an event no subscriber here gets.
                throw new Refusal(503, "the hub is shutting down; retry");
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
            if (Sse.fromPage(exchange) && !Sse.hostIsLoopback(exchange)) {
                // A site whose name resolves to 127.0.0.1 (DNS rebinding) would pass the check below.
                throw new Refusal(403, "a page may publish without a token only from this machine's loopback names"
                        + " (localhost, 127.0.0.1, [::1]); start the hub with --publish-token");
            }
            // A page from any site can post to this machine through its visitor's browser: only
            // the hub's own pages and those of the origins it opted into may.
            String page = Sse.crossOrigin(exchange);
            if (page != null && !pageOrigins.contains(page) && !pageOrigins.contains("*")) {
                throw new Refusal(403, "a page from " + page + " may not publish without a token; "
                        + "start the hub with --publish-token, or --cors-origin for that origin");
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

    /**
     * Reads and validates the whole request; throws before anything is published, or returns
     * null when the library's body reader has answered the request itself.
     */
    private static Publication read(HttpExchange exchange) throws Refusal, IOException {
        Map<String, List<String>> query = decode(() -> Sse.query(exchange.getRequestURI()));
        String body = Sse.readText(exchange, BODY_LIMIT);
        if (body == null) {
            return null;
        }
        String topic = single(query, "topic");
        String type = single(query, "event");
        String data;
        if (isForm(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            Map<String, List<String>> fields = decode(() -> Sse.form(body));
            data = single(fields, "data");
            if (data == null) {
                // `curl -d hello` sends a form by default: say how to send the body as it is.
                throw new Refusal(400, "data is required (a form field named data); to publish the body "
                        + "as it is, send it with Content-Type: text/plain");
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
        SseEvent event;
        try {
            Update.checkTopic(topic);
            event = SseEvent.builder().event(type == null || type.isEmpty() ? null : type).data(data).build();
        } catch (IllegalArgumentException invalid) {
            throw new Refusal(400, invalid.getMessage());
        }
        if (Mercure.reservedTopic(topic)) {
            // Mercure subscribers of presence would take such an event for the hub's own.
            throw new Refusal(403, "topic " + topic + " is in the Mercure hub's own namespace, where only the hub publishes");
        }
        return new Publication(topic, event);
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/x-www-form-urlencoded");
    }

    /** Runs the library's one decoder; a malformed pair is refused with 400 naming it. */
    private static Map<String, List<String>> decode(java.util.function.Supplier<Map<String, List<String>>> decoder)
            throws Refusal {
        try {
            return decoder.get();
        } catch (IllegalArgumentException malformed) {
            throw new Refusal(400, malformed.getMessage());
        }
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

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}

package org.jdksse.mercure;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.SseEvent;
import org.jdksse.Update;

/**
 * Presence: the subscriptions of this process's subscribers, announced as private subscription
 * events ({@code active} true when a subscriber comes, false when it goes) published through
 * the broadcaster, so that they take the log's path and reach every hub sharing it, and listed
 * by the subscriptions API.
 *
 * <p>Thread-safe: subscribers join and leave from their own threads; the map is concurrent.
 * The API lists the subscriptions held by this process (with a shared log, other hubs' are
 * announced by their events but not listed here).
 */
final class Presence {
    private static final System.Logger LOG = System.getLogger("org.jdksse.mercure");
    private static final String CONTEXT = "https://mercure.rocks/";

    /** One subscription: a selector of one subscriber. */
    record Subscription(String id, String topic, String subscriber, String payload) {
    }

    private final Broadcaster broadcaster;
    private final String base;
    /** By id (the subscription's path); the API lists them in no particular order. */
    private final ConcurrentMap<String, Subscription> active = new ConcurrentHashMap<>();
    /** The id of the last update this process published about presence, or "earliest". */
    private volatile String lastEventId = "earliest";

    Presence(Broadcaster broadcaster, MercureOptions options) {
        this.broadcaster = broadcaster;
        this.base = options.path() + "/subscriptions";
    }

    static boolean isApi(String rawPath, String hubPath) {
        String api = hubPath + "/subscriptions";
        return rawPath.equals(api) || rawPath.startsWith(api + "/");
    }

    /**
     * Says whether a topic addresses the hub's own namespace, where only presence publishes: a URL
     * (whatever its scheme and authority) or an absolute path whose path is the hub's path or below
     * it, once escapes of unreserved characters are decoded, as written or with its dot segments
     * resolved (templates match the text as written, the reference hub the resolved path). A
     * publisher could otherwise forge subscription events. Relative text, such as a topic named
     * {@code mercure}, addresses nothing of the hub's.
     */
    static boolean reserved(String topic, String hubPath) {
        String path;
        try {
            URI uri = new URI(topic);
            if (!uri.isAbsolute() && !topic.startsWith("/")) {
                return false;
            }
            path = uri.getRawPath();
        } catch (URISyntaxException e) {
            path = pathOf(topic); // a template, say: a selector also matches its own text
        }
        if (path == null) {
            return false; // opaque, such as urn:isbn:1: no path at all
        }
        path = decodeUnreserved(path);
        String resolved;
        try {
            resolved = new URI(null, null, path, null).normalize().getPath();
        } catch (URISyntaxException e) {
            resolved = path;
        }
        return under(path, hubPath) || under(resolved, hubPath);
    }

    /**
     * Returns the path of text that is no URI, read as a URL's: after a scheme and an authority,
     * before a query or a fragment; null for relative text.
     */
    private static String pathOf(String text) {
        String rest = text.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*:", "");
        if (rest.length() == text.length() && !text.startsWith("/")) {
            return null;
        }
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        rest = rest.split("[?#]", 2)[0];
        return rest.startsWith("/") ? rest : null;
    }

    private static boolean under(String path, String hubPath) {
        return path.equals(hubPath) || path.startsWith(hubPath + "/");
    }

    private static String decodeUnreserved(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length() && HexFormat.isHexDigit(path.charAt(i + 1)) && HexFormat.isHexDigit(path.charAt(i + 2))) {
                int code = HexFormat.fromHexDigits(path, i + 1, i + 3);
                if (code < 0x80 && Character.isLetterOrDigit(code) || "-._~".indexOf(code) >= 0) {
                    out.append((char) code);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Registers a subscriber's selectors and announces each one. */
    List<Subscription> join(List<String> selectors, String payload) {
        String subscriber = "urn:uuid:" + UUID.randomUUID();
        List<Subscription> joined = new ArrayList<>(selectors.size());
        for (String topic : selectors) {
            Subscription s = new Subscription(base + "/" + encode(topic) + "/" + encode(subscriber), topic, subscriber, payload);
            if (active.putIfAbsent(s.id(), s) == null) {
                joined.add(s);
                announce(s, true);
            }
        }
        return joined;
    }

    /** Unregisters the subscriptions and announces that they ended. */
    void leave(List<Subscription> subscriptions) {
        for (Subscription s : subscriptions) {
            if (active.remove(s.id()) != null) {
                announce(s, false);
            }
        }
    }

    private void announce(Subscription s, boolean isActive) {
        try {
            Update update = new Update(List.of(s.id()), SseEvent.of(Json.write(document(s, isActive, true))), true);
            lastEventId = broadcaster.publish(update);
        } catch (IllegalArgumentException e) {
            // A selector too long for a topic once encoded: the subscription works, unannounced.
            LOG.log(Level.DEBUG, "subscription event not published: {0}", e.getMessage());
        } catch (IllegalStateException e) {
            // Closed: every subscriber leaves at once, and there is no one left to tell.
            LOG.log(Level.DEBUG, "subscription event not published: {0}", e.getMessage());
        } catch (UncheckedIOException e) {
            LOG.log(Level.WARNING, "subscription event not published: {0}", e.getMessage());
        }
    }

    private static Map<String, Object> document(Subscription s, boolean isActive, boolean context) {
        Map<String, Object> doc = new LinkedHashMap<>();
        if (context) {
            doc.put("@context", CONTEXT);
        }
        doc.put("id", s.id());
        doc.put("type", "Subscription");
        doc.put("topic", s.topic());
        doc.put("subscriber", s.subscriber());
        doc.put("active", isActive);
        if (s.payload() != null) {
            doc.put("payload", new Json.Raw(s.payload()));
        }
        return doc;
    }

    /**
     * Answers a GET on the API; the claims of a verified subscriber token must match the
     * requested path (as the protocol asks: {@code mercure.subscribe} covers the URL).
     */
    void serve(HttpExchange exchange, TokenVerifier.Claims claims) throws Refusal, IOException {
        // must-revalidate as the protocol's examples send it; private too, because must-revalidate
        // alone lets a shared cache store a response to an Authorization header (RFC 9111, 3.5),
        // and the list holds other subscribers' payloads. On refusals too: a cache may keep a 404
        // without being told, and a token in the query or a cookie does not stop it.
        exchange.getResponseHeaders().set("Cache-Control", "private, must-revalidate");
        String path = exchange.getRequestURI().getRawPath();
        if (claims == null || !TopicSelector.anyMatches(TopicSelector.all(claims.subscribe()), List.of(path))) {
            throw new Refusal(403, "the token's mercure.subscribe does not cover " + Json.quote(path));
        }
        String rest = path.substring(base.length());
        String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/", -1);
        if (parts.length > 2 || parts.length >= 1 && parts[0].isEmpty() || parts.length == 2 && parts[1].isEmpty()) {
            throw new Refusal(404, "not found; use " + base + "[/{topic}[/{subscriber}]]");
        }
        // Split before decoding (an escaped / stays in its segment), then decode each segment: clients
        // spell the same segment differently (lower-case hex, a : left as is), and the reference hub
        // finds the subscription whatever the spelling, so this looks it up by its own spelling.
        String topic = parts.length >= 1 ? decode(parts[0], "topic") : null;
        Map<String, Object> doc;
        if (parts.length == 2) {
            Subscription s = active.get(base + "/" + encode(topic) + "/" + encode(decode(parts[1], "subscriber")));
            if (s == null) {
                throw new Refusal(404, "no active subscription at " + Json.quote(path));
            }
            doc = document(s, true, true);
        } else {
            List<Object> list = new ArrayList<>();
            active.values().stream()
                    .filter(s -> topic == null || s.topic().equals(topic))
                    .forEach(s -> list.add(document(s, true, false)));
            doc = new LinkedHashMap<>();
            doc.put("@context", CONTEXT);
            doc.put("id", path);
            doc.put("type", "Subscriptions");
            doc.put("lastEventID", lastEventId);
            doc.put("subscriptions", list);
        }
        doc.putIfAbsent("lastEventID", lastEventId);
        Sse.respond(exchange, 200, "application/ld+json", Json.write(doc));
    }

    /** Percent-encodes all but the unreserved characters, as an RFC 6570 simple expansion does. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Decodes one path segment: {@code +} stays a plus there (it is a space only in a query), and
     * {@code &}, legal in a path, must not split the segment as the form decoder would.
     */
    private static String decode(String segment, String name) throws Refusal {
        String escaped = segment.replace("+", "%2B").replace("&", "%26");
        return Form.decode(name + "=" + escaped, "path segment").get(name).get(0);
    }
}

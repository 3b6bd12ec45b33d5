package org.jdksse.mercure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jdksse.Broadcaster;
import org.jdksse.EventLog;
import org.jdksse.Interest;
import org.jdksse.Sse;
import org.jdksse.SseEvent;
import org.jdksse.Update;

/**
 * The Mercure endpoint: {@code GET} subscribes, {@code POST} publishes, and with presence on,
 * {@code GET .../subscriptions[/{topic}[/{subscriber}]]} lists subscriptions. Every refusal is a
 * status and a one-line reason; a refused publish changes nothing.
 */
final class MercureHandler implements HttpHandler {
    /** The most topic selectors a subscriber, or topics an update, may have: each pair may be matched. */
    static final int MAX_SELECTORS = 64;

    private final Broadcaster broadcaster;
    private final MercureOptions options;
    private final Presence presence;

    MercureHandler(Broadcaster broadcaster, MercureOptions options) {
        this.broadcaster = broadcaster;
        this.options = options;
        this.presence = options.subscriptions() ? new Presence(broadcaster, options) : null;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        try {
            if (path.equals(options.path())) {
                switch (method) {
                    case "GET", "HEAD" -> subscribe(exchange);
                    case "POST" -> publish(exchange);
                    default -> {
                        exchange.getResponseHeaders().set("Allow", "GET, HEAD, POST");
                        throw new Refusal(405, "use GET to subscribe or POST to publish");
                    }
                }
            } else if (presence != null && Presence.isApi(path, options.path())) {
                if (!method.equals("GET")) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    throw new Refusal(405, "the subscriptions API answers GET only");
                }
                presence.serve(exchange, subscriber(exchange, query(exchange), true));
            } else {
                throw new Refusal(404, "not found; the Mercure hub is at " + options.path()
                        + (presence != null ? " and " + options.path() + "/subscriptions" : ""));
            }
        } catch (Refusal refusal) {
            if (refusal.status == Refusal.ANSWERED) {
                return;
            }
            if (refusal.status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", Auth.CHALLENGE);
            }
            Sse.respond(exchange, refusal.status, refusal.getMessage());
        }
    }

    private static Map<String, List<String>> query(HttpExchange exchange) throws Refusal {
        return Form.decode(exchange.getRequestURI().getRawQuery(), "query");
    }

    /**
     * Returns the subscriber's claims: null for an anonymous subscriber, or refuses. For the
     * subscriptions API a key is required (presence is private).
     */
    private TokenVerifier.Claims subscriber(HttpExchange exchange, Map<String, List<String>> query, boolean api)
            throws Refusal {
        TokenVerifier key = options.subscriberKey();
        if (key == null) {
            if (api) {
                throw new Refusal(403, "the subscriptions API needs a subscriber key on the hub");
            }
            return null;
        }
        Auth.Presented presented = Auth.find(exchange, query, options.cookie());
        if (presented == null) {
            if (options.anonymous() && !api) {
                return null;
            }
            throw new Refusal(401, "subscribing needs a JWT (Authorization: Bearer, the " + options.cookie()
                    + " cookie, or the authorization query parameter)");
        }
        return Auth.verify(key, presented);
    }

    private void subscribe(HttpExchange exchange) throws Refusal, IOException {
        Map<String, List<String>> query = query(exchange);
        List<String> selectors = query.getOrDefault("topic", List.of());
        if (selectors.isEmpty()) {
            throw new Refusal(400, "topic is required: give at least one topic selector");
        }
        if (selectors.size() > MAX_SELECTORS) {
            throw new Refusal(400, "topic is given more than " + MAX_SELECTORS + " times");
        }
        TokenVerifier.Claims claims = subscriber(exchange, query, false);
        Interest interest = interest(selectors, claims);
        String lastEventId = Sse.header(exchange, "Last-Event-ID");
        // An empty header says nothing (browsers send none until they have an id): the query may.
        if (lastEventId == null || lastEventId.isEmpty()) {
            lastEventId = Form.single(query, "lastEventID");
        }
        if ("earliest".equals(lastEventId)) {
            interest = interest.fromEarliest();
        } else if (lastEventId != null) {
            interest = interest.after(lastEventId);
        }
        if (claims != null && claims.expires() != null) {
            interest = interest.until(claims.expires());
        }
        if (exchange.getRequestMethod().equals("HEAD")) {
            head(exchange);
            return;
        }
        // Private for caches, and joins presence when the broadcaster admits the subscriber, so that
        // one refused with 503 is never announced.
        SubscriberExchange stream = new SubscriberExchange(exchange, presence, selectors, claims == null ? null : claims.payload());
        try {
            broadcaster.serve(stream, interest);
        } finally {
            stream.leave();
        }
    }

    /**
     * Answers a HEAD that a GET would have answered with a stream: the same status and headers
     * (the library's event-stream headers, {@link SubscriberExchange#CACHE_CONTROL}) without a
     * body, and without a subscriber, so nothing is announced or counted. The reference hub serves
     * HEAD as a GET whose body Go discards, so it subscribes; monitors and link checkers probe
     * with HEAD and expect neither. {@code Last-Event-ID} is left out: it is known only once a
     * stream goes live, and HEAD may omit such headers (RFC 9110, 9.3.2).
     */
    private static void head(HttpExchange exchange) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/event-stream; charset=utf-8");
        headers.set("Cache-Control", SubscriberExchange.CACHE_CONTROL);
        headers.set("X-Accel-Buffering", "no");
        try (exchange) {
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** What a subscriber receives: exact selectors by lookup, templates and {@code *} by matcher. */
    static Interest interest(List<String> selectors, TokenVerifier.Claims claims) throws Refusal {
        Set<String> exact = new LinkedHashSet<>();
        List<TopicSelector> patterns = new ArrayList<>();
        for (String text : selectors) {
            TopicSelector selector = TopicSelector.of(text);
            if (selector.isExact()) {
                try {
                    Update.checkTopic(text);
                } catch (IllegalArgumentException e) {
                    throw new Refusal(400, e.getMessage());
                }
                exact.add(text);
            } else {
                patterns.add(selector);
            }
        }
        Predicate<Update> matcher = patterns.isEmpty() ? null : update -> TopicSelector.anyMatches(patterns, update.topics());
        Interest interest = new Interest(exact, matcher, null, "", false, null);
        List<TopicSelector> allowed = claims == null ? List.of() : TopicSelector.all(claims.subscribe());
        if (!allowed.isEmpty()) {
            interest = interest.withPrivateAccess(update -> TopicSelector.anyMatches(allowed, update.topics()));
        }
        return interest;
    }

    private void publish(HttpExchange exchange) throws Refusal, IOException {
        Map<String, List<String>> query = query(exchange);
        TokenVerifier key = options.publisherKey();
        TokenVerifier.Claims claims = null;
        if (key == null) {
            // Without a key anyone who can reach the port could publish, so only this machine may.
            if (!Auth.loopback(exchange)) {
                throw new Refusal(403, "publishing is open to loopback clients only; give the hub a publisher key");
            }
            // A page from any site can post to this machine through its visitor's browser, and a
            // site whose name resolves to 127.0.0.1 (DNS rebinding) is then of the same origin.
            if (Sse.crossOrigin(exchange) != null || Sse.fromPage(exchange) && !Sse.hostIsLoopback(exchange)) {
                throw new Refusal(403, "a page from another origin may not publish without a JWT; give the hub a publisher key");
            }
        } else {
            Auth.Presented presented = Auth.find(exchange, query, options.cookie());
            if (presented == null) {
                throw new Refusal(401, "publishing needs a JWT (Authorization: Bearer, the " + options.cookie()
                        + " cookie, or the authorization query parameter)");
            }
            claims = Auth.verify(key, presented);
            if (presented.from() == Auth.From.COOKIE) {
                Auth.sameOrigin(exchange);
            }
        }
        if (!Form.isForm(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            throw new Refusal(415, "publish with a form body (Content-Type: application/x-www-form-urlencoded)");
        }
        Update update = update(Form.decode(Form.body(exchange), "form body"));
        if (claims != null) {
            List<TopicSelector> allowed = TopicSelector.all(claims.publish());
            for (String topic : update.topics()) {
                if (!TopicSelector.anyMatches(allowed, List.of(topic))) {
                    throw new Refusal(403, "the token's mercure.publish does not cover the topic " + Json.quote(topic));
                }
            }
        }
        String id;
        for (String topic : update.topics()) {
            if (Presence.reserved(topic, options.path())) {
                throw new Refusal(403, "topic " + Json.quote(Refusal.oneLine(topic)) + " is in the hub's own namespace, "
                        + options.path() + ", where only the hub publishes (subscription events)");
            }
        }
        try {
            id = broadcaster.publish(update);
        } catch (EventLog.DuplicateIdException e) {
            throw new Refusal(409, e.getMessage());
        } catch (UncheckedIOException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new Refusal(503, "the event log cannot take the update now; retry");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new Refusal(e instanceof IllegalStateException ? 503 : 400, e.getMessage());
        }
        // The body is the id alone: publishers such as Symfony's read it as is.
        Sse.respond(exchange, 200, "text/plain; charset=utf-8", id);
    }

    /** Builds the update from the form's fields, validating each one by name. */
    static Update update(Map<String, List<String>> form) throws Refusal {
        List<String> topics = form.getOrDefault("topic", List.of());
        if (topics.isEmpty()) {
            throw new Refusal(400, "topic is required: give at least one topic");
        }
        if (topics.size() > MAX_SELECTORS) {
            // Every subscriber's interest is asked about every topic of every update.
            throw new Refusal(400, "topic is given more than " + MAX_SELECTORS + " times");
        }
        String data = Form.single(form, "data");
        // An empty id is none, as the reference hub reads it: the hub assigns one.
        String id = Form.single(form, "id");
        if (id != null && id.isEmpty()) {
            id = null;
        }
        String type = Form.single(form, "type");
        String retry = Form.single(form, "retry");
        boolean isPrivate = form.containsKey("private");
        if (id != null && id.startsWith("#")) {
            throw new Refusal(400, "id must not start with #");
        }
        if (id != null && id.equals("earliest")) {
            throw new Refusal(400, "id must not be \"earliest\", which is reserved");
        }
        Duration retryAfter = null;
        // An empty retry is none, as the reference hub reads it.
        if (retry != null && !retry.isEmpty()) {
            if (!retry.matches("[0-9]{1,12}")) {
                throw new Refusal(400, "retry must be a whole number of milliseconds, not " + Json.quote(Refusal.oneLine(retry)));
            }
            retryAfter = Duration.ofMillis(Long.parseLong(retry));
        }
        try {
            SseEvent event = SseEvent.builder().id(id).event(type == null || type.isEmpty() ? null : type)
                    .data(data == null ? "" : data).retry(retryAfter).build();
            return new Update(topics, event, isPrivate);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, e.getMessage());
        }
    }
}

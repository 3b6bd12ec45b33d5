package org.jdksse;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Set;

/**
 * Cross-origin access for the origins a server opted into, and none other: answers preflight
 * requests and marks allowed responses. Browsers enforce the rest.
 *
 * <p>An origin named in the list may also send credentials (cookies, such as Mercure's
 * {@code mercureAuthorization}, with {@code EventSource}'s {@code withCredentials}); one let in
 * by {@code *} alone may not, or every site could read what a visitor's cookies unlock.
 */
final class Cors extends Filter {
    private final Set<String> origins;

    Cors(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    boolean allows(String origin) {
        return origin != null && (origins.contains(origin) || origins.contains("*"));
    }

    /** Adds the response headers that let an allowed origin read this response and a stream's Last-Event-ID. */
    void apply(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (allows(origin)) {
            var response = exchange.getResponseHeaders();
            response.set("Access-Control-Allow-Origin", origin);
            response.add("Vary", "Origin");
            response.set("Access-Control-Expose-Headers", "Last-Event-ID");
            if (origins.contains(origin)) {
                response.set("Access-Control-Allow-Credentials", "true");
            }
        }
    }

    /**
     * Answers a CORS preflight from an allowed origin with 204.
     *
     * @return {@code true} if the exchange was a preflight and is answered
     */
    boolean preflight(HttpExchange exchange) throws IOException {
        var request = exchange.getRequestHeaders();
        if (!"OPTIONS".equals(exchange.getRequestMethod()) || !request.containsKey("Access-Control-Request-Method")
                || !allows(request.getFirst("Origin"))) {
            return false;
        }
        apply(exchange);
        var response = exchange.getResponseHeaders();
        response.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        response.set("Access-Control-Allow-Headers", "Authorization, Content-Type, Cache-Control, Last-Event-ID");
        response.set("Access-Control-Max-Age", "600");
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        return true;
    }

    /**
     * Answers anything but a GET subscription itself: a preflight from an allowed origin with
     * 204, every other method with 405.
     *
     * @return {@code true} if the request was answered; {@code false} for a GET that the caller
     *         should serve
     */
    boolean answerUnlessGet(HttpExchange exchange) throws IOException {
        if (preflight(exchange)) {
            return true;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET, OPTIONS");
            Sse.respond(exchange, 405, "use GET to subscribe");
            return true;
        }
        return false;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (!preflight(exchange)) {
            apply(exchange);
            chain.doFilter(exchange);
        }
    }

    @Override
    public String description() {
        return "CORS for " + origins;
    }
}

package org.jdksse.mercure;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdksse.Sse;

/**
 * Finds and checks the token of a request, in the protocol's order: the {@code Authorization}
 * header wins, then the {@code authorization} query parameter, then the cookie. The token is
 * never logged and never quoted in a refusal.
 */
final class Auth {
    /** How the challenge of a 401 reads; the reason travels in the body. */
    static final String CHALLENGE = "Bearer realm=\"mercure\"";

    private Auth() {
    }

    /** Where a token came from: a cookie-borne one must pass the CSRF check before it publishes. */
    enum From { HEADER, QUERY, COOKIE }

    /** A token and where it came from. */
    record Presented(String token, From from) {
    }

    /** Returns the request's token, or null when it presents none; a malformed header is 401. */
    static Presented find(HttpExchange exchange, Map<String, List<String>> query, String cookieName) throws Refusal {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            String prefix = "bearer ";
            if (header.length() <= prefix.length() || !header.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
                throw new Refusal(401, "the Authorization header must be \"Bearer \" followed by a JWT");
            }
            return new Presented(header.substring(prefix.length()).strip(), From.HEADER);
        }
        List<String> fromQuery = query.get("authorization");
        if (fromQuery != null && !fromQuery.isEmpty()) {
            return new Presented(fromQuery.get(0), From.QUERY);
        }
        String cookie = cookie(exchange, cookieName);
        return cookie == null ? null : new Presented(cookie, From.COOKIE);
    }

    /** Verifies a token, turning a refusal into a 401 with its one-line reason. */
    static TokenVerifier.Claims verify(TokenVerifier verifier, Presented presented) throws Refusal {
        try {
            return verifier.verify(presented.token());
        } catch (TokenVerifier.InvalidTokenException e) {
            throw new Refusal(401, e.getMessage());
        }
    }

    private static String cookie(HttpExchange exchange, String name) {
        List<String> headers = exchange.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String value = pair.substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    return value.isEmpty() ? null : value;
                }
            }
        }
        return null;
    }

    /**
     * Refuses a publish authorized by a cookie unless the browser says it comes from the hub's
     * own origin: a cookie goes with any cross-site form post, so without this check any page
     * could publish with a visitor's cookie (the protocol requires a CSRF defence).
     */
    static void sameOrigin(HttpExchange exchange) throws Refusal {
        if (!Sse.fromPage(exchange) || Sse.crossOrigin(exchange) != null) {
            throw new Refusal(403, "a publish authorized by cookie must come from the hub's own origin (Origin or Referer)");
        }
    }

    /** Says whether the client connects from this machine. */
    static boolean loopback(HttpExchange exchange) {
        InetSocketAddress remote = exchange.getRemoteAddress();
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}

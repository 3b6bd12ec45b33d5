package org.jdksse.mercure;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * A Mercure subscriber's exchange, which finishes the {@code 200} that the broadcaster sends once
 * it has admitted the subscriber and made it live: it marks the stream private for caches, and
 * with presence on it joins {@link Presence} then, and not before. A broadcaster refuses a
 * subscriber over its limit ({@code 503}) before that, so a refused subscriber is never
 * announced; the join comes before the headers go out, so a client holding its {@code 200} is
 * listed. Everything else goes to the exchange as it is.
 *
 * <p>Used by the request's thread only, on which {@code Broadcaster.serve} sends the headers.
 */
final class SubscriberExchange extends HttpExchange {
    /**
     * What a stream tells caches, as the reference hub sends it on every subscribe response. Its
     * events depend on the token, which may come from the query or a cookie that a shared cache
     * does not key on, so no cache may keep it (the protocol asks for {@code private} on a
     * response to a token in the query) and none may serve one subscriber's stream to another.
     */
    static final String CACHE_CONTROL = "private, no-cache, no-store, must-revalidate, max-age=0";

    private final HttpExchange exchange;
    private final Presence presence;
    private final List<String> selectors;
    private final String payload;
    private List<Presence.Subscription> joined = List.of();

    /** Wraps a subscriber's exchange; {@code presence} is null when presence is off. */
    SubscriberExchange(HttpExchange exchange, Presence presence, List<String> selectors, String payload) {
        this.exchange = exchange;
        this.presence = presence;
        this.selectors = selectors;
        this.payload = payload;
    }

    /** Announces that the subscriber left, if it joined. */
    void leave() {
        if (presence != null) {
            presence.leave(joined);
        }
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (code == 200) {
            // Over the library's no-cache, which every stream gets and which lets a cache store it.
            exchange.getResponseHeaders().set("Cache-Control", CACHE_CONTROL);
            if (presence != null) {
                joined = presence.join(selectors, payload);
            }
        }
        exchange.sendResponseHeaders(code, length);
    }

    @Override
    public Headers getRequestHeaders() {
        return exchange.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return exchange.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
        return exchange.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return exchange.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return exchange.getHttpContext();
    }

    @Override
    public void close() {
        exchange.close();
    }

    @Override
    public InputStream getRequestBody() {
        return exchange.getRequestBody();
    }

    @Override
    public OutputStream getResponseBody() {
        return exchange.getResponseBody();
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return exchange.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return exchange.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return exchange.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return exchange.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return exchange.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        exchange.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        exchange.setStreams(in, out);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return exchange.getPrincipal();
    }
}

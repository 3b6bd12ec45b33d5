package org.jdksse.mercure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.util.Objects;
import org.jdksse.Broadcaster;

/**
 * Static factories for the Mercure protocol (draft-dunglas-mercure-07, as the Mercure 0.x hubs
 * speak it) on a {@link Broadcaster}: the hub's handler, and the discovery header for an
 * application's own resources.
 *
 * <p>The life cycle of a request to the handler:
 * <ol>
 * <li>{@code GET} on the path: topic selectors from {@code topic} (repeatable; exact, {@code *}
 *     or URI templates), the token checked per {@link MercureOptions}, the resume point from
 *     {@code Last-Event-ID} or {@code lastEventID} ({@code earliest} replays all the broadcaster
 *     keeps); then the stream, on the calling thread, until the client leaves, the broadcaster
 *     closes, or the token's {@code exp} passes (the stream then ends with a retry hint).
 * <li>{@code HEAD} on the path: the same checks of the request and its token, then the headers
 *     of the stream a {@code GET} would open, without a body or a subscriber. Taking no
 *     subscriber's place, it does not say whether a {@code GET} would be refused with {@code 503}
 *     (the broadcaster full or closing).
 * <li>{@code POST} on the path: the publisher's token checked against every topic, the form's
 *     {@code topic}, {@code data}, {@code id}, {@code type}, {@code retry} and {@code private}
 *     validated; then {@code 200 text/plain} with the update's id, or {@code 409} when the
 *     publisher's {@code id} is already in the history.
 * <li>{@code GET} on {@code path/subscriptions[/{topic}[/{subscriber}]]} with presence on: the
 *     active subscriptions as JSON-LD, for tokens whose {@code mercure.subscribe} matches the URL.
 * </ol>
 * Every refusal is a status with a one-line {@code text/plain} reason; {@code 401} carries
 * {@code WWW-Authenticate: Bearer}.
 *
 * <pre>{@code
 * Broadcaster broadcaster = Broadcaster.create();
 * HttpServer server = Sse.server(8080);
 * server.createContext("/.well-known/mercure", Mercure.handler(broadcaster, MercureOptions.builder().build()));
 * server.start();
 * }</pre>
 */
public final class Mercure {
    private Mercure() {
    }

    /**
     * Returns the Mercure endpoint for this broadcaster: mount it at {@link MercureOptions#path()}
     * (the handler routes that path and the subscriptions API below it, and answers 404 for the
     * rest). Cross-origin access is the server's concern (a filter such as {@code Sse.cors}).
     *
     * @param broadcaster the broadcaster that stores and delivers updates
     * @param options     the keys and features
     * @return the handler
     */
    public static HttpHandler handler(Broadcaster broadcaster, MercureOptions options) {
        return new MercureHandler(Objects.requireNonNull(broadcaster, "broadcaster"), Objects.requireNonNull(options, "options"));
    }

    /**
     * Says whether a topic addresses the hub's reserved namespace, {@link MercureOptions#WELL_KNOWN_PATH}
     * and below (whatever the scheme and authority), where only the hub publishes its subscription
     * events. The Mercure endpoint refuses such topics; a server that also publishes another way,
     * such as the hub's {@code POST /events}, must refuse them too, or its publishers could forge
     * subscription events.
     *
     * @param topic the topic
     * @return {@code true} if only the hub may publish to it
     */
    public static boolean reservedTopic(String topic) {
        return Presence.reserved(Objects.requireNonNull(topic, "topic"), MercureOptions.WELL_KNOWN_PATH);
    }

    /**
     * Returns the value of the discovery header for a hub: {@code <hubUrl>; rel="mercure"}.
     *
     * @param hubUrl the hub's URL, such as {@code https://example.com/.well-known/mercure}
     * @return the {@code Link} header value
     * @throws IllegalArgumentException if the URL holds {@code <}, {@code >}, a space or a control character
     */
    public static String link(String hubUrl) {
        Objects.requireNonNull(hubUrl, "hubUrl");
        if (hubUrl.isEmpty() || !hubUrl.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '<' && c != '>')) {
            throw new IllegalArgumentException("hubUrl must be a URL without spaces or angle brackets, not " + Json.quote(hubUrl));
        }
        return "<" + hubUrl + ">; rel=\"mercure\"";
    }

    /**
     * Adds the discovery header for a hub to a response, before its headers are sent, so that
     * subscribers of this resource find the hub.
     *
     * @param exchange the exchange whose response is being prepared
     * @param hubUrl   the hub's URL
     */
    public static void addLink(HttpExchange exchange, String hubUrl) {
        exchange.getResponseHeaders().add("Link", link(hubUrl));
    }
}

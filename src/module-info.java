/**
 * Server-Sent Events on the JDK alone: an event encoder, per-request event streams, a broadcaster
 * with topics and resume, an EventSource client, and a standalone pub/sub hub.
 *
 * <p>The API lives in {@link org.jdksse}; {@link org.jdksse.mercure} the Mercure
 * protocol on top of it; {@code org.jdksse.hub} holds the hub's main class.
 */
module org.jdksse {
    requires transitive jdk.httpserver;
    requires java.net.http;
    requires jdk.management;

    exports org.jdksse;
    exports org.jdksse.mercure;
    exports org.jdksse.hub;
}

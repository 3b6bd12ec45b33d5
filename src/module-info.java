/**
 * Server-Sent Events on the JDK alone, one package per audience:
 * <ul>
 * <li>{@link org.jdksse}: the server library: the event encoder, per-request event streams, and a
 *     broadcaster with topics and resume over an event log;</li>
 * <li>{@link org.jdksse.client}: the EventSource client on {@code java.net.http.HttpClient}, which
 *     depends on nothing of the server side;</li>
 * <li>{@link org.jdksse.mercure}: the Mercure protocol on a broadcaster: JWT verification, topic
 *     selectors, the hub's handler and presence;</li>
 * <li>{@link org.jdksse.redis}: an event log on a Redis stream that several hubs share.</li>
 * </ul>
 *
 * <p>The standalone pub/sub hub ({@code org.jdksse.hub}) is built on these public APIs alone and is
 * not exported: it is a program, run with {@code java -jar jdk-sse.jar}, not a library.
 */
module org.jdksse {
    requires transitive jdk.httpserver;
    // Transitive because EventSource.Builder.httpClient takes the caller's HttpClient.
    requires transitive java.net.http;
    requires jdk.management;
    // The broadcaster's Flight Recorder events (Flight), off unless a recording names them.
    requires jdk.jfr;

    // API packages only, one a line.
    exports org.jdksse;
    exports org.jdksse.client;
    exports org.jdksse.mercure;
    exports org.jdksse.redis;
}

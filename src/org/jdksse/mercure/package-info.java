/**
 * The Mercure protocol (draft-dunglas-mercure-07, as the Mercure 0.x hubs speak it) on a
 * {@link org.jdksse.Broadcaster}: existing publishers (Symfony, API Platform, Laravel, curl) and
 * subscribers work unchanged.
 *
 * <ul>
 * <li>{@link org.jdksse.mercure.Mercure}: the endpoint's handler and the discovery header.
 * <li>{@link org.jdksse.mercure.MercureOptions}: keys, anonymous subscribers, presence.
 * <li>{@link org.jdksse.mercure.TokenVerifier}: JWT verification (HS256, RS256, ES256) on the JDK alone.
 * <li>{@link org.jdksse.mercure.TopicSelector}: exact topics, {@code *} and URI templates.
 * </ul>
 *
 * <p>A minimal hub beside an application's pages:
 * <pre>{@code
 * Broadcaster broadcaster = Broadcaster.create();
 * TokenVerifier key = TokenVerifier.of("HS256", System.getenv("MERCURE_JWT_SECRET"));
 * HttpServer server = Sse.server(8080);
 * server.createContext("/.well-known/mercure", Mercure.handler(broadcaster,
 *         MercureOptions.builder().publisherKey(key).subscriberKey(key).anonymous(true).build()));
 * server.start();
 * broadcaster.publish(Update.of("https://example.com/books/1", SseEvent.of("{\"title\":\"Dune\"}")));
 * }</pre>
 */
package org.jdksse.mercure;

/**
 * An EventSource client on {@code java.net.http.HttpClient}: it reads any Server-Sent Events
 * endpoint and reconnects as a browser does. It depends on nothing of the server side of this
 * module, so a program that only listens needs no more than this package.
 *
 * <ul>
 * <li>{@link org.jdksse.client.EventSource}: one source: a blocking pull source, or a push source that calls a listener.</li>
 * <li>{@link org.jdksse.client.EventSource.Builder}: the URI, headers, {@code Last-Event-ID}, retry, timeouts and the caller's {@code HttpClient}.</li>
 * <li>{@link org.jdksse.client.EventSource.Listener}: a push source's events and life cycle, on the source's own virtual thread.</li>
 * <li>{@link org.jdksse.client.MessageEvent}: one event: its type, its data and the last event id.</li>
 * <li>{@link org.jdksse.client.Redacted}: URLs as the client's messages and log lines show them, without a password or token.</li>
 * </ul>
 *
 * <p>Inside, one session per source decides when to reconnect and with which id, one connection
 * per attempt sends the request, checks the answer and reads the body, and the parser follows the
 * WHATWG "interpreting an event stream" rules on bytes.
 *
 * <p>A program that prints every event of a stream until the server answers 204:
 *
 * <pre>{@code
 * import java.net.URI;
 * import org.jdksse.client.EventSource;
 * import org.jdksse.client.MessageEvent;
 *
 * public class Tail {
 *     public static void main(String[] args) throws Exception {
 *         URI uri = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8080/events?topic=demo");
 *         try (EventSource source = EventSource.builder(uri).build()) {
 *             for (MessageEvent event : source) {
 *                 System.out.println(event.type() + " " + event.data() + " #" + event.lastEventId());
 *             }
 *         }
 *     }
 * }
 * }</pre>
 */
package org.jdksse.client;

/**
 * Server-Sent Events on the JDK's {@code com.sun.net.httpserver}: an encoder, per-request
 * streams, and a broadcaster that fans one ordered log of events out to many subscribers, with
 * resume. One virtual thread serves each subscriber; nothing but the JDK is needed.
 *
 * <ul>
 * <li>{@link org.jdksse.Sse}: the front door: servers, stream handlers, body and query reading, one-line error answers.</li>
 * <li>{@link org.jdksse.SseEvent}: one event as a value, validated, encoded to exact bytes.</li>
 * <li>{@link org.jdksse.SseStream}: one open stream to one client, for a producer on the request's thread.</li>
 * <li>{@link org.jdksse.SseOptions}: heartbeat, retry hint and CORS origins of a stream.</li>
 * <li>{@link org.jdksse.Broadcaster}: topics, fan-out, resume, slow subscribers, limits, graceful shutdown.</li>
 * <li>{@link org.jdksse.Subscriber}: a subscriber as a broadcaster's {@code onSubscribe} hook sees it.</li>
 * <li>{@link org.jdksse.Interest}: what one subscriber receives (topics, patterns, private access) and where it resumes.</li>
 * <li>{@link org.jdksse.Update}: what a publisher hands over: an event, its topics, a private flag.</li>
 * <li>{@link org.jdksse.EventLog}: the seam between publishing and fan-out: in memory, or shared by several processes.</li>
 * <li>{@link org.jdksse.Entry}: an update at its position in a log.</li>
 * </ul>
 *
 * <p>Every event takes one path: {@code publish} appends it to the log, which assigns its id;
 * the log's tail hands each entry, in order, to the broadcaster's fan-out, which encodes it once
 * and queues it for each subscriber that wants it; each subscriber's own thread writes what is
 * queued and flushes once. A resume joins the fan-out at its cursor and replays the log up to
 * that cursor, so that nothing is missed or sent twice. A Flight Recorder recording that enables
 * {@code org.jdksse.Publish}, {@code org.jdksse.FanOut} or {@code org.jdksse.Drop} sees each step;
 * otherwise they cost nothing.
 *
 * <p>A server that pushes prices to whoever subscribes:
 *
 * <pre>{@code
 * import com.sun.net.httpserver.HttpServer;
 * import org.jdksse.Broadcaster;
 * import org.jdksse.Sse;
 * import org.jdksse.SseEvent;
 *
 * public class Prices {
 *     public static void main(String[] args) throws Exception {
 *         Broadcaster prices = Broadcaster.create();
 *         HttpServer server = Sse.server(8080);
 *         server.createContext("/prices", prices.handler());   // GET /prices?topic=AAPL
 *         server.start();
 *         for (double p = 187.5; ; p += Math.random() - 0.5) {
 *             prices.publish("AAPL", SseEvent.of("price", String.format("%.2f", p)));
 *             Thread.sleep(1000);
 *         }
 *     }
 * }
 * }</pre>
 */
package org.jdksse;

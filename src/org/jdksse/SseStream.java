package org.jdksse;

import com.sun.net.httpserver.HttpExchange;

/**
 * One open event stream to one client, as handed to a {@link Producer} by
 * {@link Sse#handler(SseStream.Producer)}.
 *
 * <p>Any thread may call any method. {@code send} blocks while the client's socket is full (the
 * natural back pressure for a per-request producer) and never throws for I/O: a dead or vanished
 * client turns the stream closed, {@link #isOpen()} returns {@code false}, and the close callbacks
 * run exactly once. A client is found dead at the next write or heartbeat after it went away.
 *
 * <pre>{@code
 * server.createContext("/ticks", Sse.handler(stream -> {
 *     for (int i = 0; stream.isOpen(); i++) {
 *         stream.send(SseEvent.of("tick " + i));
 *         Thread.sleep(1000);
 *     }
 * }));
 * }</pre>
 */
public interface SseStream extends AutoCloseable {

    /**
     * Sends one event and flushes it to the client.
     *
     * @param event the event
     * @return {@code true} if the event was written, {@code false} if the stream is closed
     */
    boolean send(SseEvent event);

    /**
     * Sends one {@code message} event with this data.
     *
     * @param data the payload
     * @return {@code true} if the event was written, {@code false} if the stream is closed
     */
    default boolean send(String data) {
        return send(SseEvent.of(data));
    }

    /**
     * Returns whether the stream is still open: neither closed by the server nor found dead.
     *
     * @return {@code true} while events can still be sent
     */
    boolean isOpen();

    /**
     * Returns the id of the last event the client saw before it reconnected: the
     * {@code Last-Event-ID} header decoded as UTF-8, else the {@code lastEventId} query parameter,
     * else the empty string.
     *
     * @return the last event id, never {@code null}
     */
    String lastEventId();

    /**
     * Returns the exchange behind this stream, for its request URI, headers and attributes.
     * Writing to its response body directly would corrupt the stream.
     *
     * @return the exchange
     */
    HttpExchange exchange();

    /**
     * Registers a callback that runs once when the stream closes, on the thread that closes it;
     * runs it at once if the stream is already closed.
     *
     * @param callback the callback
     */
    void onClose(Runnable callback);

    /**
     * Blocks until the stream is closed, by the server or because the client went away.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void awaitClose() throws InterruptedException;

    /**
     * Closes the stream: later sends return {@code false}, and the response ends once the
     * producer returns. Idempotent.
     */
    @Override
    void close();

    /**
     * Produces the events of one stream on the request's own virtual thread; the stream closes
     * when {@link #produce} returns or throws.
     */
    @FunctionalInterface
    interface Producer {
        /**
         * Produces events until done or until the stream closes.
         *
         * @param stream the open stream
         * @throws Exception if production fails; the stream is then closed and the failure logged
         */
        void produce(SseStream stream) throws Exception;
    }
}

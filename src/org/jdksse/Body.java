package org.jdksse;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The one reader of request bodies, with its size limit and its deadline: {@link Sse#readText}
 * and the hub's publish path read through it.
 *
 * <ul>
 * <li>A body over the limit gets {@code 413} and {@code Connection: close}. Up to four times the
 *     limit is read and thrown away first: a socket closed with unread bytes resets, and the
 *     client would lose the answer along with the connection. Only the limit (plus one byte) is
 *     ever kept.
 * <li>A body still arriving two seconds before the request timeout ({@code
 *     sun.net.httpserver.maxReqTime}, see {@link Sse#server}) gets {@code 408} and {@code
 *     Connection: close}, measured from when the handler starts reading. A client that sends
 *     nothing at all blocks the read until the JDK closes its connection at the timeout; then
 *     there is nobody to answer.
 * <li>A body the JDK cannot frame (a broken chunk) ends the read with an {@link IOException}, and
 *     the JDK closes the connection.
 * </ul>
 */
final class Body {
    /** Seconds before the JDK's timer that the reader gives up, so that its 408 can still go out. */
    static final int MARGIN_SECONDS = 2;
    private static final int MIN_DRAIN = 64 * 1024;

    private Body() {
    }

    /**
     * Reads the whole body, or answers the request itself and returns null.
     *
     * @param exchange the exchange, whose response is not yet sent
     * @param maxBytes the largest body accepted
     * @return the body, or {@code null} if it was refused with 413 or 408
     * @throws IOException if the body cannot be read or the refusal cannot be written
     */
    static byte[] read(HttpExchange exchange, int maxBytes) throws IOException {
        long seconds = Limits.requestSeconds();
        long deadline = seconds <= 0 ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds - MARGIN_SECONDS));
        long drain = Math.max(4L * maxBytes, MIN_DRAIN);
        InputStream in = exchange.getRequestBody();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        // The JDK has refused a Content-Length that is not a number with 400 before any handler runs.
        long length = declared == null ? -1 : Long.parseLong(declared.strip());
        if (length > maxBytes) {
            if (length <= maxBytes + drain) {
                discard(in, length, deadline);
            }
            return refuse(exchange, 413, "the body is over " + maxBytes + " bytes");
        }
        // Grown as bytes arrive, never sized by the header alone: a client that declares a
        // megabyte and sends one byte must not hold a megabyte of heap for the request's timeout.
        byte[] buffer = new byte[(int) Math.min(maxBytes + 1L, length >= 0 ? Math.min(length + 1, 8192) : 8192)];
        int n = 0;
        for (;;) {
            if (n == buffer.length) {
                if (n > maxBytes) {
                    discard(in, drain, deadline);
                    return refuse(exchange, 413, "the body is over " + maxBytes + " bytes");
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes + 1L, 2L * n));
            }
            int read = in.read(buffer, n, buffer.length - n);
            if (read < 0) {
                return Arrays.copyOf(buffer, n);
            }
            n += read;
            if (System.nanoTime() - deadline > 0) {
                return refuse(exchange, 408, "the body did not arrive within "
                        + Math.max(1, seconds - MARGIN_SECONDS) + " s");
            }
        }
    }

    /** Reads and throws away up to this many bytes, until the deadline. */
    private static void discard(InputStream in, long limit, long deadline) throws IOException {
        byte[] sink = new byte[8192];
        long left = limit;
        while (left > 0 && System.nanoTime() - deadline < 0) {
            int read = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (read < 0) {
                return;
            }
            left -= read;
        }
    }

    private static byte[] refuse(HttpExchange exchange, int status, String reason) throws IOException {
        Limits.note(status, reason);
        exchange.getResponseHeaders().set("Connection", "close");
        Sse.respond(exchange, status, reason);
        return null;
    }
}

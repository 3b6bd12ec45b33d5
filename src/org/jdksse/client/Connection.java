package org.jdksse.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection attempt of an {@link EventSource}, from the request to the end of the body.
 *
 * <ol>
 * <li>{@link #connect()} sends the {@code GET} and waits for the response head. 200 with
 *     {@code text/event-stream} opens the stream; 204 tells the source to stop; any other status or
 *     content type is a {@link Refused refusal}, which no reconnection mends; an I/O failure or a
 *     timeout is thrown as it is, for the source to retry.</li>
 * <li>{@link #read} feeds the body, chunk by chunk, to the source's parser until the body ends,
 *     breaks, stays silent for the read timeout, or the attempt is closed; {@link #endReason()}
 *     then says which. Silence is counted only while a read is blocked, so that a slow consumer
 *     between two reads (a listener at work) is not taken for a silent server. A line or an event
 *     larger than the parser's limit breaks the stream as a failed read does.</li>
 * <li>{@link #close()} cancels the request in flight or closes the body. It is how a source that
 *     is closed from another thread, and the read timeout, end a blocked read.</li>
 * </ol>
 *
 * <p>Concurrency: the source's reading thread calls {@code connect}, {@code read} and
 * {@code endReason}, one at a time; {@code close} may be called from any thread at any moment,
 * more than once, and never blocks.
 */
final class Connection {

    /**
     * Where and how every attempt of one source connects.
     *
     * @param readTimeout the longest silence of an open stream, or zero for none
     */
    record Target(HttpClient client, URI uri, List<String[]> headers, Duration connectTimeout, Duration readTimeout) {
        /** Returns the URI as messages and logs show it: without its user info or a token ({@link Redacted}). */
        String shown() {
            return Redacted.uri(uri);
        }
    }

    /** What an attempt that did not fail came to. */
    enum Answer {
        /** 200 with {@code text/event-stream}: {@link #read} may start. */
        STREAM,
        /** 204 No Content: the server asks the source to stop for good. */
        NO_CONTENT,
        /** The attempt was closed before its stream opened. */
        CLOSED
    }

    /** A failure that no reconnection can mend: a status other than 200 and 204, or the wrong content type. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The value of {@link #readingSince} between reads: a {@code nanoTime} no read will start at in practice. */
    private static final long NOT_READING = Long.MIN_VALUE;

    /** Created on first use, so that a program that never connects never starts its selector thread. */
    private static final class Shared {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                // HTTP/2 would first try an h2c upgrade on every plain-http connection.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private final Target target;
    private final String lastEventId;
    private final long readTimeoutNanos;
    private final byte[] buffer = new byte[8192];
    /** Guards the hand-over of {@link #pending} and {@link #body} between the reader and close(). */
    private final ReentrantLock lock = new ReentrantLock();
    private CompletableFuture<HttpResponse<InputStream>> pending;
    private InputStream body;
    private boolean closed;
    /** When the read in progress started, or {@link #NOT_READING}; the watchdog times only a blocked read. */
    private volatile long readingSince = NOT_READING;
    private volatile boolean timedOut;
    /** Used only by the reading thread. */
    private IOException broken;

    /** Returns the client of every source that was given none: it follows redirects and speaks HTTP/1.1. */
    static HttpClient sharedClient() {
        return Shared.CLIENT;
    }

    /**
     * Creates an attempt that sends {@code lastEventId} (empty for none) as {@code Last-Event-ID};
     * the caller has checked that the header can carry it.
     */
    Connection(Target target, String lastEventId) {
        this.target = target;
        this.lastEventId = lastEventId;
        this.readTimeoutNanos = target.readTimeout().toNanos();
    }

    /**
     * Sends the request and checks the response head.
     *
     * @return what the attempt came to, unless it failed
     * @throws Refused              if the answer is final: a status other than 200 and 204, or a content
     *                              type other than {@code text/event-stream}
     * @throws IOException          if the attempt failed and another may succeed; the message is one line
     * @throws InterruptedException if the calling thread was interrupted; the request is cancelled
     */
    Answer connect() throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> request;
        lock.lock();
        try {
            if (closed) {
                return Answer.CLOSED;
            }
            request = target.client().sendAsync(request(), HttpResponse.BodyHandlers.ofInputStream());
            pending = request;
        } finally {
            lock.unlock();
        }
        HttpResponse<InputStream> response;
        try {
            response = request.get();
        } catch (CancellationException e) {
            return Answer.CLOSED;
        } catch (InterruptedException e) {
            request.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw describe(e.getCause());
        } finally {
            lock.lock();
            try {
                pending = null;
            } finally {
                lock.unlock();
            }
        }
        InputStream in = response.body();
        int status = response.statusCode();
        if (status == 204) {
            quietlyClose(in);
            return Answer.NO_CONTENT;
        }
        if (status != 200) {
            quietlyClose(in);
            throw new Refused("HTTP " + status + " from " + Redacted.uri(response.uri()));
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!isEventStream(type)) {
            quietlyClose(in);
            throw new Refused("content type " + (type.isEmpty() ? "(none)" : type) + " from " + Redacted.uri(response.uri()) + " is not text/event-stream");
        }
        lock.lock();
        try {
            if (closed) {
                quietlyClose(in);
                return Answer.CLOSED;
            }
            body = in;
        } finally {
            lock.unlock();
        }
        if (readTimeoutNanos > 0) {
            watch(readTimeoutNanos);
        }
        return Answer.STREAM;
    }

    private HttpRequest request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.uri()).GET().timeout(target.connectTimeout());
        for (String[] h : target.headers()) {
            b.header(h[0], h[1]);
        }
        b.setHeader("Accept", "text/event-stream").setHeader("Cache-Control", "no-cache");
        if (!lastEventId.isEmpty()) {
            b.setHeader("Last-Event-ID", lastEventId);
        }
        return b.build();
    }

    /**
     * Reads what the server sent next, at most one buffer, and feeds it to {@code parser}; blocks
     * until some bytes arrive. Called only after {@link #connect()} answered {@link Answer#STREAM}.
     *
     * @return true if bytes were read, false once the stream has ended (see {@link #endReason()})
     */
    boolean read(EventStreamParser parser) {
        if (broken != null) {
            return false; // the parser refused the previous chunk
        }
        int n;
        readingSince = System.nanoTime();
        try {
            n = body.read(buffer);
        } catch (IOException e) {
            broken = e;
            return false;
        } finally {
            readingSince = NOT_READING;
        }
        if (n < 0) {
            return false;
        }
        try {
            parser.feed(buffer, 0, n);
        } catch (ProtocolException e) {
            // Nothing after the oversized part can be parsed in context, so the stream is over; closed
            // now, so that the server stops sending it. Reported by the next call, after the caller
            // has handed out the events parsed before it.
            broken = new ProtocolException(e.getMessage() + " from " + target.shown());
            close();
        }
        return true;
    }

    /** Returns why {@link #read} returned false: silence for the read timeout, a broken read, or the server's end. */
    IOException endReason() {
        if (timedOut) {
            return new HttpTimeoutException("no data for " + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms from " + target.shown());
        }
        return broken != null ? broken : new EOFException("the server ended the stream");
    }

    /** Cancels the request in flight or closes the body, so that a blocked {@link #connect} or {@link #read} returns. */
    void close() {
        CompletableFuture<?> request;
        InputStream in;
        lock.lock();
        try {
            closed = true;
            request = pending;
            in = body;
        } finally {
            lock.unlock();
        }
        if (request != null) {
            request.cancel(true);
        }
        if (in != null) {
            quietlyClose(in);
        }
    }

    /**
     * Closes the stream once a read has been blocked for the read timeout; checked once per timeout,
     * not per read. Time between reads is the consumer's, not the server's silence: bytes that came
     * meanwhile wait in the socket for the next read, which then returns at once.
     */
    private void watch(long delayNanos) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(() -> {
            long since = readingSince;
            long blocked = since == NOT_READING ? 0 : System.nanoTime() - since;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (blocked < readTimeoutNanos) {
                    watch(readTimeoutNanos - blocked);
                    return;
                }
                // Before the close, so that the reader that wakes up finds the reason.
                timedOut = true;
            } finally {
                lock.unlock();
            }
            close();
        });
    }

    /** Returns the failure with a one-line message: HttpClient's ConnectException carries none. */
    private IOException describe(Throwable cause) {
        if (cause instanceof IOException io && io.getMessage() != null) {
            return io;
        }
        URI uri = target.uri();
        String where = uri.getHost() + ":" + (uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        IOException described = cause instanceof ConnectException
                ? new ConnectException("cannot connect to " + where)
                : new IOException(cause.getClass().getSimpleName() + " while connecting to " + where);
        described.initCause(cause);
        return described;
    }

    /**
     * Returns {@code uri} if an attempt can connect to it: an absolute {@code http} or {@code https}
     * URI with a host and, if it has one, a port from 1 to 65535.
     *
     * @throws IllegalArgumentException naming {@code uri} (redacted), if not
     */
    static URI requireConnectable(URI uri) {
        String scheme = uri.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException("uri must be an absolute http or https URI with a host: " + Redacted.uri(uri));
        }
        // URI accepts any number of digits; HttpClient would fail every attempt, and the source retry for ever.
        int port = uri.getPort();
        if (port != -1 && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("uri port must be from 1 to 65535: " + Redacted.uri(uri));
        }
        return uri;
    }

    /** Returns whether a {@code Content-Type} value names an event stream, whatever its parameters. */
    static boolean isEventStream(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return essence.strip().equalsIgnoreCase("text/event-stream");
    }

    /**
     * Returns whether {@code Last-Event-ID} can carry this id: {@code HttpClient} writes header bytes
     * as US-ASCII and would send {@code ?} in place of anything else.
     */
    static boolean canSend(String lastEventId) {
        for (int i = 0; i < lastEventId.length(); i++) {
            char c = lastEventId.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static void quietlyClose(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing is how a connection is abandoned; there is nothing left to report.
        }
    }
}

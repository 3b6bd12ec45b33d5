package org.jdksse.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jdksse.testing.WhatwgParser.Event;

/**
 * The tests' one raw HTTP/1.1 client, on a real socket of its own per request, independent of the
 * code under test: it writes exact request bytes (a non-UTF-8 body, a CR in a header) and reads
 * exactly what the server put on the wire: the status, the headers, the body with the chunked
 * coding undone, as text or as an event stream through the reference {@link SseReader}.
 *
 * <p>Every read is bounded by the read timeout ({@link #READ_TIMEOUT} unless {@link #timeout}
 * changes it), so that a hung server fails a test instead of hanging the build. One client is used
 * by one thread.
 */
public final class RawClient implements AutoCloseable {
    /** How long one read may block unless {@link #timeout} says otherwise. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final boolean chunked;
    /** Bytes left in the current chunk, or in the whole body when it is not chunked. */
    private long remaining;
    private boolean afterChunk;
    private boolean inTrailers;
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private boolean ended;
    private boolean cut;
    private final InputStream body = new Body();
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private SseReader events;

    private RawClient(Socket socket, boolean head) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        String statusLine = headLine();
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        status = Integer.parseInt(parts[1]);
        for (String line; !(line = headLine()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        chunked = "chunked".equalsIgnoreCase(header("Transfer-Encoding"));
        if (head || status == 204 || status == 304 || status < 200) {
            ended = true;
        } else if (!chunked) {
            remaining = header("Content-Length") == null ? Long.MAX_VALUE : Long.parseLong(header("Content-Length"));
        }
    }

    // ---- requests ------------------------------------------------------------------------------

    /**
     * Sends a request and reads the response head: the request line, {@code Host}, the given header
     * lines, {@code Content-Length} when there is a body, then the body.
     *
     * @param port        the server's loopback port
     * @param method      the method, such as {@code GET}
     * @param target      the request target, such as {@code /events?topic=a}
     * @param body        the body's bytes, or null for none (and no {@code Content-Length})
     * @param headerLines header lines such as {@code "Last-Event-ID: 4"}
     * @return the client, its response head read
     * @throws IOException if the connection or the read fails
     */
    public static RawClient send(int port, String method, String target, byte[] body, String... headerLines)
            throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port);
        for (String line : headerLines) {
            head.append("\r\n").append(line);
        }
        if (body != null) {
            head.append("\r\nContent-Length: ").append(body.length);
        }
        return request(port, head.toString().getBytes(StandardCharsets.UTF_8), body == null ? new byte[0] : body);
    }

    /**
     * Sends a GET.
     *
     * @param port        the server's loopback port
     * @param target      the request target
     * @param headerLines header lines such as {@code "Last-Event-ID: 4"}
     * @return the client, its response head read
     * @throws IOException if the connection or the read fails
     */
    public static RawClient get(int port, String target, String... headerLines) throws IOException {
        return send(port, "GET", target, null, headerLines);
    }

    /**
     * Sends exact bytes: the head, the blank line that ends it, then the body.
     *
     * @param port the server's loopback port
     * @param head the request line and header lines, without the final CRLF CRLF
     * @param body the body's bytes, possibly empty
     * @return the client, its response head read
     * @throws IOException if the connection or the read fails
     */
    public static RawClient request(int port, byte[] head, byte[] body) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return new RawClient(socket, new String(head, StandardCharsets.ISO_8859_1).startsWith("HEAD "));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A whole response: status, headers (names in lower case) and body text.
     *
     * @param status  the status code
     * @param headers the headers, names in lower case
     * @param body    the body as UTF-8 text
     */
    public record Response(int status, Map<String, String> headers, String body) {
        /**
         * Returns a header's value, or null.
         *
         * @param name the header's name, in any case
         * @return its value, or null when the response has none
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Sends a request (as {@link #send}) and reads the whole response.
     *
     * @param port        the server's loopback port
     * @param method      the method
     * @param target      the request target
     * @param body        the body, or null for none
     * @param headerLines header lines
     * @return the response
     * @throws IOException if the connection or a read fails
     */
    public static Response exchange(int port, String method, String target, byte[] body, String... headerLines)
            throws IOException {
        try (RawClient client = send(port, method, target, body, headerLines)) {
            return new Response(client.status, Collections.unmodifiableMap(client.headers), client.readToEnd());
        }
    }

    // ---- the response --------------------------------------------------------------------------

    /**
     * Returns the response's status code.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * Returns a header's value, or null.
     *
     * @param name the header's name, in any case
     * @return its value, or null when the response has none
     */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Sets how long each later read may block.
     *
     * @param timeout the read timeout, above zero
     * @return this client
     * @throws IOException if the socket is closed
     */
    public RawClient timeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /**
     * Reads body text until it contains {@code expected}.
     *
     * @param expected the text to wait for
     * @return all the text read so far
     * @throws IOException if the body ends first, or the read times out
     */
    public String readUntil(String expected) throws IOException {
        byte[] buffer = new byte[8192];
        while (text.toString(StandardCharsets.UTF_8).indexOf(expected) < 0) {
            int n = body.read(buffer);
            if (n < 0) {
                throw new EOFException("the body ended before " + expected + " in: " + text.toString(StandardCharsets.UTF_8));
            }
            text.write(buffer, 0, n);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads until the server ends the response.
     *
     * @return the whole body as UTF-8 text, what {@link #readUntil} read included
     * @throws IOException if a read fails or times out
     */
    public String readToEnd() throws IOException {
        text.writeBytes(body.readAllBytes());
        return text.toString(StandardCharsets.UTF_8);
    }

    /**
     * Returns the reader of this response's event stream (the same one on each call): its
     * {@link SseReader#nextComment()} waits for a heartbeat.
     *
     * @return the reader
     */
    public SseReader events() {
        if (events == null) {
            events = SseReader.of(body);
        }
        return events;
    }

    /**
     * Returns the stream's next dispatched event, as {@link SseReader#next()}.
     *
     * @return the next event
     * @throws IOException if the stream ends first, or the read times out
     */
    public Event next() throws IOException {
        return events().next();
    }

    /**
     * Returns the stream's next event or comment, as {@link SseReader#nextItem()}.
     *
     * @return the next item
     * @throws IOException if the stream ends first, or the read times out
     */
    public SseReader.Item nextItem() throws IOException {
        return events().nextItem();
    }

    /**
     * Returns whether the body has ended as HTTP frames it (the last chunk, the whole
     * {@code Content-Length}, or the connection's end when neither is given), not by a cut
     * connection.
     *
     * @return true once the body has ended cleanly; false before its end or after a cut
     */
    public boolean endedCleanly() {
        return ended && !cut;
    }

    /**
     * Returns whether the server ends the response within this time; whatever it sends before the
     * end is skipped.
     *
     * @param timeout how long to wait for the end
     * @return true if the response ended, false if the time ran out first
     * @throws IOException if a read fails otherwise
     */
    public boolean endsWithin(Duration timeout) throws IOException {
        timeout(timeout);
        try {
            body.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /**
     * Closes the connection as a browser closing its tab would: the server sees a FIN.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The body, de-chunked; it never reads past the response. */
    private final class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            try {
                if (ended || !startChunk()) {
                    return -1;
                }
            } catch (EOFException cutInALine) {
                ended = cut = true;
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                ended = true; // the connection ended: a cut, unless it is how this body ends
                cut = chunked || remaining != Long.MAX_VALUE;
                return -1;
            }
            remaining -= n;
            return n;
        }

        /** Reads the next chunk's size line when the last chunk is used up; false at the body's end. */
        private boolean startChunk() throws IOException {
            if (remaining > 0) {
                return true;
            }
            if (!chunked) {
                ended = true;
                return false;
            }
            // A read timeout may strike in any line below: each step is marked done only once its
            // line is complete (headLine keeps a partial line), so that the next read goes on from there.
            if (afterChunk) {
                headLine(); // the CRLF after the previous chunk's data
                afterChunk = false;
            }
            if (!inTrailers) {
                long size = Long.parseLong(headLine().split(";")[0].strip(), 16);
                if (size > 0) {
                    remaining = size;
                    afterChunk = true;
                    return true;
                }
                inTrailers = true; // the last chunk
            }
            for (String trailer = headLine(); !trailer.isEmpty(); trailer = headLine()) {
                // trailers, if any, are not what these tests look at
            }
            ended = true;
            return false;
        }
    }

    /** Reads a line of the head or of the chunked coding; a timeout keeps what it read for the next call. */
    private String headLine() throws IOException {
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("connection closed in a line: " + partialLine.toString(StandardCharsets.ISO_8859_1));
            }
            if (b != '\r') {
                partialLine.write(b);
            }
        }
        String line = partialLine.toString(StandardCharsets.ISO_8859_1);
        partialLine.reset();
        return line;
    }
}

package org.jdksse.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client for the hub's tests, on a socket of its own per request: it writes exact
 * bytes (a non-UTF-8 body, a CR in a header) and reads what the server put on the wire, including
 * an event stream, which it parses into events with the WHATWG rules the tests need.
 */
final class HubClient implements AutoCloseable {
    /** How long any single read may block: a hung test fails instead of hanging the build. */
    static final int READ_TIMEOUT_MS = 10_000;

    /** One dispatched event; {@code id} is the last event id in force when it was dispatched. */
    record Event(String type, String id, String data) {
    }

    private final Socket socket;
    private final InputStream in;
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private boolean chunked;
    /** Bytes left in the current chunk, or in the whole body when it is not chunked. */
    private long remaining;
    private boolean chunkSeen;
    private boolean ended;
    private final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
    private String lastEventId = "";
    private boolean pendingCr;

    private HubClient(Socket socket, boolean head) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        String statusLine = headLine();
        this.status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line; !(line = headLine()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        chunked = "chunked".equalsIgnoreCase(header("Transfer-Encoding"));
        if (head || status == 204 || status == 304) {
            remaining = 0;
        } else if (!chunked) {
            remaining = header("Content-Length") == null ? Long.MAX_VALUE : Long.parseLong(header("Content-Length"));
        }
    }

    /**
     * Sends a request and reads the response head.
     *
     * @param extraHeaders header lines such as {@code "Authorization: Bearer x"}
     * @param body         the body, or null for none
     */
    static HubClient send(int port, String method, String target, byte[] body, String... extraHeaders)
            throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port).append("\r\n");
        for (String line : extraHeaders) {
            head.append(line).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return new HubClient(socket, method.equals("HEAD"));
    }

    static HubClient get(int port, String target, String... extraHeaders) throws IOException {
        return send(port, "GET", target, null, extraHeaders);
    }

    /** Sends a form POST ({@code application/x-www-form-urlencoded}). */
    static HubClient postForm(int port, String target, String form, String... extraHeaders) throws IOException {
        String[] all = new String[extraHeaders.length + 1];
        all[0] = "Content-Type: application/x-www-form-urlencoded";
        System.arraycopy(extraHeaders, 0, all, 1, extraHeaders.length);
        return send(port, "POST", target, form.getBytes(StandardCharsets.UTF_8), all);
    }

    /** A complete response: status, headers, body text. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends a request and reads the whole response. */
    static Response exchange(int port, String method, String target, byte[] body, String... extraHeaders)
            throws IOException {
        try (HubClient client = send(port, method, target, body, extraHeaders)) {
            return new Response(client.status, client.headers, client.readToEnd());
        }
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads the rest of the body as UTF-8. */
    String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int b; (b = bodyByte()) >= 0; ) {
            all.write(b);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads the next dispatched event of the stream, skipping comments and retry lines.
     *
     * @throws IOException if the stream ends or nothing arrives within the read timeout
     */
    Event next() throws IOException {
        StringBuilder data = null;
        String type = "";
        for (;;) {
            String line = bodyLine();
            if (line == null) {
                throw new IOException("the stream ended before an event");
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(type.isEmpty() ? "message" : type, lastEventId, data.toString());
                }
                type = "";
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "event" -> type = value;
                case "id" -> lastEventId = value;
                default -> {
                    // retry and unknown fields do not matter to these tests
                }
            }
        }
    }

    /** Reads the next raw line of the body (comments included), or null at the end. */
    String nextLine() throws IOException {
        return bodyLine();
    }

    /** Returns whether the server ends the stream within the read timeout (events before the end are skipped). */
    boolean endsWithinTimeout() throws IOException {
        try {
            while (bodyByte() >= 0) {
                // skip whatever comes before the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Lines end in LF, CR or CRLF, as the event-stream format allows. */
    private String bodyLine() throws IOException {
        lineBytes.reset();
        for (;;) {
            int b = bodyByte();
            if (b < 0) {
                return lineBytes.size() == 0 ? null : lineBytes.toString(StandardCharsets.UTF_8);
            }
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r') {
                pendingCr = true;
                return lineBytes.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return lineBytes.toString(StandardCharsets.UTF_8);
            }
            lineBytes.write(b);
        }
    }

    /** One byte of the body, de-chunked, or -1 at its end. */
    private int bodyByte() throws IOException {
        if (ended) {
            return -1;
        }
        if (remaining == 0) {
            if (!chunked) {
                ended = true;
                return -1;
            }
            if (chunkSeen) {
                headLine(); // the CRLF after the previous chunk's data
            }
            chunkSeen = true;
            remaining = Long.parseLong(headLine().strip(), 16);
            if (remaining == 0) {
                ended = true;
                return -1;
            }
        }
        int b = in.read();
        if (b < 0) {
            ended = true;
            return -1;
        }
        remaining--;
        return b;
    }

    private String headLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed in a line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

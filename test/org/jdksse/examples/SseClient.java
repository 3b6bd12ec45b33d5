package org.jdksse.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An event-stream client on a raw socket, independent of the library under test: it sends one
 * HTTP/1.1 request, decodes a chunked body, and splits it into frames at blank lines. It can
 * leave politely ({@link #close()}, a FIN) or vanish ({@link #reset()}, an RST).
 */
final class SseClient implements AutoCloseable {
    /** One blank-line-terminated block: its fields, or only comments for a heartbeat. */
    record Frame(String id, String event, String data, List<String> comments) {
        boolean hasData() {
            return data != null;
        }
    }

    private final Socket socket;
    private final InputStream in;
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private final boolean chunked;
    private long chunkLeft;
    private boolean firstChunk = true;
    private boolean ended;

    private SseClient(Socket socket, byte[] request) throws IOException {
        this.socket = socket;
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        in = new BufferedInputStream(socket.getInputStream());
        String statusLine = rawLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line; !(line = rawLine()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        chunked = "chunked".equalsIgnoreCase(header("Transfer-Encoding"));
    }

    /** Sends a GET with extra header lines such as {@code "Last-Event-ID: 4"}. */
    static SseClient get(int port, String path, String... headerLines) throws IOException {
        return request(port, "GET", path, null, headerLines);
    }

    static SseClient post(int port, String path, String contentType, String body) throws IOException {
        return request(port, "POST", path, body.getBytes(StandardCharsets.UTF_8), "Content-Type: " + contentType);
    }

    static SseClient request(int port, String method, String path, byte[] body, String... headerLines) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Accept: text/event-stream\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            request.writeBytes(body);
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            return new SseClient(socket, request.toByteArray());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads the next frame, comments included, waiting at most this long. */
    Frame next(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        String id = null, event = null;
        StringBuilder data = null;
        List<String> comments = new ArrayList<>();
        while (true) {
            String line = line();
            if (line.isEmpty()) {
                if (data != null || id != null || event != null || !comments.isEmpty()) {
                    return new Frame(id, event, data == null ? null : data.toString(), comments);
                }
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            value = value.startsWith(" ") ? value.substring(1) : value;
            switch (field) {
                case "" -> comments.add(value);
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { } // retry and unknown fields are not what these tests look at
            }
        }
    }

    Frame next() throws IOException {
        return next(Duration.ofSeconds(15));
    }

    /** Reads the next frame that carries data, skipping heartbeats and other comments. */
    Frame nextEvent() throws IOException {
        for (Frame frame; ; ) {
            if ((frame = next()).hasData()) {
                return frame;
            }
        }
    }

    /** Returns whether the server ended the response (after the frames read so far), waiting at most this long. */
    boolean endsWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return read() < 0;
    }

    /** Closes the connection as a browser closing its tab would: the server sees a FIN. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Vanishes as a killed client does: closes with a reset, so that the server's next write fails. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b; (b = read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("stream ended" + (bytes.size() > 0 ? " inside a line" : ""));
            }
            bytes.write(b);
        }
        String line = bytes.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Reads one body byte, undoing the chunked transfer coding. */
    private int read() throws IOException {
        if (!chunked || ended) {
            return ended ? -1 : in.read();
        }
        if (chunkLeft == 0) {
            if (!firstChunk) {
                rawLine(); // the CRLF after the previous chunk
            }
            firstChunk = false;
            String size = rawLine();
            chunkLeft = Long.parseLong(size.split(";")[0].trim(), 16);
            if (chunkLeft == 0) {
                ended = true;
                return -1;
            }
        }
        chunkLeft--;
        return in.read();
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            bytes.write(b);
        }
        String line = bytes.toString(StandardCharsets.ISO_8859_1);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}

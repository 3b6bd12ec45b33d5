package hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Raw HTTP/1.1 over loopback sockets, as an attacker or a careful client writes it: exact bytes
 * out, the status line, headers and a de-chunked body in; /proc figures of the hub.
 */
final class Wire implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static int port;

    final Socket socket;
    final InputStream in;
    int status = -1;
    final Map<String, String> headers = new LinkedHashMap<>();
    private boolean chunked;
    private long left = -1;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
    }

    /** Connects to the hub; the read timeout bounds every later read. */
    static Wire open(int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(HOST, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return new Wire(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the status line and headers; returns the status, or -1 if the server closed first. */
    int readHead() throws IOException {
        String line = line();
        if (line == null) {
            return status = -1;
        }
        String[] parts = line.split(" ", 3);
        status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        headers.clear();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        left = headers.containsKey("content-length") ? Long.parseLong(headers.get("content-length")) : -1;
        return status;
    }

    /** Reads a whole (small) body. */
    String body() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = read(buf)) > 0;) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Reads body bytes, de-chunked; -1 at the end of the body. */
    int read(byte[] buf) throws IOException {
        if (chunked) {
            if (left == 0) {
                line(); // CRLF after the chunk
                left = -1;
            }
            if (left < 0) {
                String size = line();
                if (size == null) {
                    return -1;
                }
                left = Long.parseLong(size.strip().split(";")[0], 16);
                if (left == 0) {
                    return -1;
                }
            }
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
        if (left == 0) {
            return -1;
        }
        int n = in.read(buf, 0, left < 0 ? buf.length : (int) Math.min(buf.length, left));
        if (n > 0 && left > 0) {
            left -= n;
        }
        return n;
    }

    /** Reads one line of the head or a chunk size (ISO-8859-1), or null at the end. */
    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0;) {
            if (c == '\n') {
                int end = b.length() > 0 && b.charAt(b.length() - 1) == '\r' ? b.length() - 1 : b.length();
                return b.substring(0, end);
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** One request on a fresh connection; returns the status and body ("" when closed). */
    static String[] exchange(String request, int timeoutMillis) throws IOException {
        try (Wire w = open(timeoutMillis)) {
            w.send(request);
            int status = w.readHead();
            return new String[] {Integer.toString(status), status < 0 ? "" : w.body()};
        }
    }

    static String publishRequest(String topic, String data, boolean keepAlive) {
        byte[] body = data.getBytes(StandardCharsets.UTF_8);
        return "POST /events?topic=" + topic + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n"
                + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** The hub's counter from /stats, or -1. */
    static long stat(String name) {
        try {
            String[] r = exchange("GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(r[1]);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    // --- /proc of the hub -------------------------------------------------------------------

    static long pid;

    static long cpuTicks() {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The hub's CPU between two readings, in percent of one core (USER_HZ is 100). */
    static double cpuPercent(long ticks0, long ticks1, long nanos) {
        return (ticks1 - ticks0) / 100.0 / (nanos / 1e9) * 100;
    }

    /** The CPU ticks of the JDK server's dispatcher thread (accept and select), or -1. */
    static long dispatcherTicks() {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().equals("HTTP-Dispatcher")) {
                    String s = Files.readString(task.resolve("stat"));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The hub's open sockets (descriptors whose link reads socket:[...]), or -1. */
    static long sockets() {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException | RuntimeException e) {
                    return false; // closed meanwhile
                }
            }).count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long fds() {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

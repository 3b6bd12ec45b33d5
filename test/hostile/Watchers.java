package hostile;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The legitimate side: subscribers of topic {@code watch} that stay connected through every
 * scenario, and a publisher on a keep-alive connection that publishes a numbered event every
 * 200 ms. The invariant checked after each scenario: every acknowledged publish reached every
 * watcher, in order, once.
 */
final class Watchers {
    static final String TOPIC = "watch";

    /** An event stream read from a raw connection. */
    static final class Stream implements AutoCloseable {
        final Wire wire;
        private final StringBuilder line = new StringBuilder();
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        Stream(Wire wire) {
            this.wire = wire;
        }

        /** Opens a subscription; the status is in {@code wire.status} (-1 if closed at once). */
        static Stream open(String path, String extraHeaders, int timeoutMillis) throws IOException {
            Wire w = Wire.open(timeoutMillis);
            try {
                w.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" + extraHeaders + "\r\n");
                w.readHead();
                return new Stream(w);
            } catch (IOException e) {
                w.close();
                throw e;
            }
        }

        /** Returns the next event as {id, data}, or null at the end of the stream. */
        String[] next() throws IOException {
            String id = null;
            StringBuilder data = null;
            for (String l; (l = readLine()) != null;) {
                if (l.isEmpty()) {
                    if (data != null) {
                        return new String[] {id, data.toString()};
                    }
                    continue;
                }
                if (l.startsWith("id:")) {
                    id = l.substring(3).strip();
                } else if (l.startsWith("data:")) {
                    String d = l.substring(5);
                    d = d.startsWith(" ") ? d.substring(1) : d;
                    data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
                }
            }
            return null;
        }

        private String readLine() throws IOException {
            line.setLength(0);
            for (;;) {
                if (pos == end) {
                    end = wire.read(buf);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        return null;
                    }
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                }
                line.append((char) (b & 0xff));
            }
        }

        @Override
        public void close() {
            wire.close();
        }
    }

    final List<List<Long>> received = new ArrayList<>();
    final List<Long> acked = new CopyOnWriteArrayList<>();
    final AtomicInteger failedPublishes = new AtomicInteger();
    final AtomicInteger disconnected = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Stream> streams = new ArrayList<>();

    /** Opens the watchers and starts the publisher; returns once every watcher has its 200. */
    static Watchers start(int count) throws IOException {
        Watchers w = new Watchers();
        for (int i = 0; i < count; i++) {
            Stream s = Stream.open("/events?topic=" + TOPIC, "", 0);
            if (s.wire.status != 200) {
                throw new IOException("watcher " + i + " got " + s.wire.status);
            }
            List<Long> got = new CopyOnWriteArrayList<>();
            w.received.add(got);
            w.streams.add(s);
            Thread.ofVirtual().start(() -> {
                try {
                    for (String[] e; (e = s.next()) != null;) {
                        got.add(Long.parseLong(e[1]));
                    }
                } catch (IOException | RuntimeException e) {
                    // counted below
                }
                if (w.running.get()) {
                    w.disconnected.incrementAndGet();
                }
            });
        }
        Thread.ofVirtual().start(w::publishLoop);
        return w;
    }

    private void publishLoop() {
        Wire conn = null;
        for (long n = 1; running.get(); n++) {
            try {
                if (conn == null) {
                    conn = Wire.open(2000);
                }
                conn.send(Wire.publishRequest(TOPIC, Long.toString(n), true));
                if (conn.readHead() == 200) {
                    conn.body();
                    acked.add(n);
                } else {
                    failedPublishes.incrementAndGet();
                    conn.close();
                    conn = null;
                }
            } catch (IOException e) {
                failedPublishes.incrementAndGet();
                if (conn != null) {
                    conn.close();
                }
                conn = null;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    /**
     * Waits up to 5 s for every watcher to have every acknowledged event, and returns null or
     * what is wrong.
     */
    String check() throws InterruptedException {
        List<Long> expected = List.copyOf(acked);
        long deadline = System.nanoTime() + 5_000_000_000L;
        String problem;
        do {
            problem = null;
            if (disconnected.get() > 0) {
                return disconnected.get() + " watchers lost their stream";
            }
            for (int i = 0; i < received.size() && problem == null; i++) {
                // Only acknowledged events are ordered: a publish that timed out on the client may
                // still land after the next one, which went out on a new connection.
                java.util.Set<Long> ackedSet = new java.util.HashSet<>(acked);
                List<Long> got = received.get(i).stream().filter(ackedSet::contains).toList();
                for (int k = 1; k < got.size(); k++) {
                    if (got.get(k) <= got.get(k - 1)) {
                        return "watcher " + i + " got event " + got.get(k) + " after " + got.get(k - 1);
                    }
                }
                if (!new java.util.HashSet<>(got).containsAll(expected)) {
                    problem = "watcher " + i + " is missing acknowledged events";
                }
            }
            if (problem != null) {
                Thread.sleep(100);
            }
        } while (problem != null && System.nanoTime() < deadline);
        return problem;
    }

    int ackedCount() {
        return acked.size();
    }

    void stop() {
        running.set(false);
        streams.forEach(Stream::close);
    }

    /**
     * A legitimate client after an attack: subscribes to a fresh topic, publishes to it and
     * waits for the event, retrying until it works; returns the seconds it took, or -1 if it
     * did not within the bound.
     */
    static double legitimate(String topic, double boundSeconds) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + (long) (boundSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            try (Stream s = Stream.open("/events?topic=" + topic, "", 2000)) {
                if (s.wire.status == 200) {
                    String[] r = Wire.exchange(Wire.publishRequest(topic, "hello", false), 2000);
                    if (r[0].equals("200")) {
                        String[] e = s.next();
                        if (e != null && e[1].equals("hello")) {
                            return (System.nanoTime() - start) / 1e9;
                        }
                    }
                }
            } catch (SocketTimeoutException e) {
                // retry
            } catch (IOException e) {
                // refused or closed by the cap: retry
            }
            Thread.sleep(100);
        }
        return -1;
    }
}

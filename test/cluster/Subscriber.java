import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jdksse.testing.SseReader;
import org.jdksse.testing.WhatwgParser;

/**
 * One SSE subscriber of the cluster suite: it reads events from a hub, and when its stream ends
 * (the hub was killed) reconnects to the hub its supplier names, with the last id it saw, as a
 * browser would. It records every event and reset in arrival order.
 */
final class Subscriber {
    /** An event as received: its wire id, type and data. */
    record Event(String id, String type, String data) {
    }

    final String name;
    final List<String> topics;
    /** The id it first resumed after, or null for a live-only start. */
    final String startAfter;
    final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpClient client;
    private final Supplier<String> hub;
    private final CountDownLatch live = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile String lastId;
    volatile int reconnects;
    private Thread thread;
    private volatile InputStream body;

    /**
     * @param sendId     the Last-Event-ID of the first request, or null
     * @param startAfter the id the ledger checks from (null: everything published while live)
     */
    Subscriber(String name, HttpClient client, Supplier<String> hub, List<String> topics, String sendId, String startAfter) {
        this.name = name;
        this.client = client;
        this.hub = hub;
        this.topics = topics;
        this.startAfter = startAfter;
        this.lastId = sendId;
    }

    /** Connects and returns once the hub answered (the subscriber is live then). */
    Subscriber start() throws InterruptedException {
        thread = Thread.ofVirtual().name(name).start(this::run);
        if (!live.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not connect within 20 s");
        }
        return this;
    }

    private void run() {
        int attempt = 0;
        while (!stopped && attempt < 200) {
            attempt++;
            String base = hub.get();
            StringBuilder query = new StringBuilder();
            for (String t : topics) {
                query.append(query.isEmpty() ? "?" : "&").append("topic=").append(URLEncoder.encode(t, StandardCharsets.UTF_8));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "events" + query))
                    .header("Accept", "text/event-stream").GET();
            if (lastId != null) {
                request.header("Last-Event-ID", lastId);
            }
            try {
                HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (response.statusCode() != 200) {
                    body.close();
                    pause();
                    continue;
                }
                live.countDown();
                read(body);
            } catch (IOException e) {
                // The hub went away or refused: reconnect below.
            } catch (InterruptedException e) {
                return;
            }
            if (!stopped) {
                reconnects++;
                pause();
            }
        }
    }

    /**
     * Reads events with the tests' reference parser until the stream ends. Until an id comes on
     * this connection, an event carries the last id the subscriber saw or sent, as a browser's last
     * event id does across reconnections.
     */
    private void read(InputStream in) throws IOException {
        SseReader reader = SseReader.of(in);
        for (;;) {
            WhatwgParser.Event e;
            try {
                e = reader.next();
            } catch (EOFException end) {
                return;
            }
            String id = e.lastEventId().isEmpty() ? lastId : e.lastEventId();
            events.add(new Event(id, e.type(), e.data()));
            lastId = id;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns the number of events received that are not resets. */
    long received() {
        return events.stream().filter(e -> !e.type().equals("reset")).count();
    }

    void stop() {
        stopped = true;
        InputStream b = body;
        if (b != null) {
            try {
                b.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}

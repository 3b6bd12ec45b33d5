package org.jdksse.mercure;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;
import org.jdksse.testing.WhatwgParser;

/**
 * A Mercure endpoint on a real server on port 0 (or a hub already listening on a port), with a
 * publisher and a subscriber client for the tests: the subscriber's stream goes through the tests'
 * reference {@link WhatwgParser} into events (type, id, data, retry).
 */
final class HubFixture implements AutoCloseable {
    final Broadcaster broadcaster;
    final HttpServer server;
    final int port;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client of a hub that listens on this port (nothing to close but the client). */
    HubFixture(int port) {
        this.broadcaster = null;
        this.server = null;
        this.port = port;
    }

    HubFixture(MercureOptions options) throws IOException {
        this(Broadcaster.create(), options);
    }

    HubFixture(Broadcaster broadcaster, MercureOptions options) throws IOException {
        this.broadcaster = broadcaster;
        this.server = Sse.server(0);
        server.createContext(options.path(), Mercure.handler(broadcaster, options));
        server.start();
        this.port = server.getAddress().getPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Builds a form body from name, value pairs. */
    static String form(String... pairs) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parts.add(enc(pairs[i]) + "=" + enc(pairs[i + 1]));
        }
        return String.join("&", parts);
    }

    /** POSTs a form with an optional bearer token; returns the response. */
    HttpResponse<String> publish(String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/.well-known/mercure"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Publishes and returns the id, failing unless the answer is 200. */
    String published(String token, String... pairs) throws Exception {
        HttpResponse<String> response = publish(token, form(pairs));
        if (response.statusCode() != 200) {
            throw new AssertionError("publish answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Opens a subscription; headers may be name, value pairs. Returns when the response head arrived. */
    Stream subscribe(String query, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/.well-known/mercure?" + query)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return new Stream(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    @Override
    public void close() {
        if (server != null) {
            broadcaster.close(Duration.ofSeconds(1));
            server.stop(0);
        }
    }

    /**
     * One dispatched event, as the reference {@link WhatwgParser} dispatches it.
     *
     * @param type  the event type, {@code message} when the stream named none
     * @param id    the last event id in force (what {@code EventSource} reports), null when none
     * @param data  the data lines joined with LF
     * @param retry the last valid {@code retry} the stream set since the previous event, null when none
     */
    record Event(String type, String id, String data, String retry) {
    }

    /** A subscriber's stream, parsed by the tests' reference {@link WhatwgParser}. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        private final ArrayDeque<Event> events = new ArrayDeque<>();
        private final WhatwgParser parser = WhatwgParser.of(this::dispatched, heartbeat -> { });
        private final byte[] buffer = new byte[8192];
        private long retriesSeen;

        Stream(HttpResponse<InputStream> response) {
            this.response = response;
        }

        int status() {
            return response.statusCode();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** Called by the parser at each dispatch: a retry counts for the event it came before. */
        private void dispatched(WhatwgParser.Event e) {
            String retry = parser.retries() > retriesSeen ? Long.toString(parser.retry()) : null;
            retriesSeen = parser.retries();
            events.add(new Event(e.type(), e.lastEventId().isEmpty() ? null : e.lastEventId(), e.data(), retry));
        }

        /** Returns the next dispatched event (comments and retry-only blocks are skipped), or null at the end. */
        Event next() throws IOException {
            while (events.isEmpty()) {
                int n = response.body().read(buffer);
                if (n < 0) {
                    return null;
                }
                parser.feed(buffer, 0, n);
            }
            return events.poll();
        }

        /** Reads the rest of the body as text (for refusals). */
        String text() throws IOException {
            return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }
}

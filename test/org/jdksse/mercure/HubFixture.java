package org.jdksse.mercure;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdksse.Broadcaster;
import org.jdksse.Sse;

/**
 * A Mercure endpoint on a real server on port 0 (or a hub already listening on a port), with a
 * publisher and a subscriber client for the tests: the subscriber reads raw event-stream lines
 * into events (type, id, data, retry).
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

    /** One dispatched event. */
    record Event(String type, String id, String data, String retry) {
    }

    /** A subscriber's stream, read line by line with the WHATWG rules the tests need. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        private final BufferedReader reader;

        Stream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        int status() {
            return response.statusCode();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** Returns the next dispatched event (comments and retry-only blocks are skipped), or null at the end. */
        Event next() throws IOException {
            String type = null;
            String id = null;
            String retry = null;
            StringBuilder data = null;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return new Event(type == null ? "message" : type, id, data.toString(), retry);
                    }
                    type = null;
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
                    case "event" -> type = value;
                    case "id" -> id = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
            return null;
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

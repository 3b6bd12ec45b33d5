package org.jdksse;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * The front door: creates servers and event-stream handlers, so that a program's {@code main} is
 * a few lines.
 *
 * <pre>{@code
 * HttpServer server = Sse.server(8080);
 * server.createContext("/ticks", Sse.handler(stream -> {
 *     for (int i = 0; stream.isOpen(); i++) {
 *         stream.send(SseEvent.of("tick " + i));
 *         Thread.sleep(1000);
 *     }
 * }));
 * server.start();
 * }</pre>
 */
public final class Sse {
    /**
     * The listen backlog of {@link #server}: room for a storm of reconnecting clients
     * (the kernel caps it at {@code net.core.somaxconn}).
     */
    public static final int BACKLOG = 4096;

    private Sse() {
    }

    /**
     * Creates a server on the loopback interface at this port, with a virtual thread per
     * request; it is not started. Use {@link #server(InetSocketAddress)} to listen on other
     * interfaces.
     *
     * @param port the port, 0 for any free one
     * @return the server, not started
     * @throws IOException if the port cannot be bound
     */
    public static HttpServer server(int port) throws IOException {
        return server(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * Creates a server at this address, with a virtual thread per request and an explicit
     * backlog; it is not started.
     *
     * @param address the address to bind
     * @return the server, not started
     * @throws IOException if the address cannot be bound
     */
    public static HttpServer server(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, BACKLOG);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        return server;
    }

    /**
     * Creates a handler that opens an event stream with the default options for each GET request
     * and runs the producer on the request's virtual thread.
     *
     * @param producer produces one stream's events
     * @return the handler
     */
    public static HttpHandler handler(SseStream.Producer producer) {
        return handler(SseOptions.defaults(), producer);
    }

    /**
     * Creates a handler that opens an event stream for each GET request and runs the producer on
     * the request's virtual thread; the stream ends when the producer returns. Other methods get
     * 405, and preflight requests from the options' CORS origins get 204.
     *
     * @param options  heartbeat, retry hint and CORS origins
     * @param producer produces one stream's events
     * @return the handler
     */
    public static HttpHandler handler(SseOptions options, SseStream.Producer producer) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(producer, "producer");
        Cors cors = new Cors(options.corsOrigins());
        return exchange -> {
            if (cors.answerUnlessGet(exchange)) {
                return;
            }
            cors.apply(exchange);
            stream(exchange, options, producer);
        };
    }

    /**
     * Answers this exchange with an event stream, whatever its method, and runs the producer on
     * the calling thread; returns when the producer is done and the response has ended. This
     * serves streams that answer a POST, as chat-completion APIs do; {@link #handler} is the
     * usual way for GET.
     *
     * <pre>{@code
     * server.createContext("/v1/chat/completions", exchange -> {
     *     String question = Sse.readText(exchange, 64 * 1024);
     *     if (question != null) {
     *         Sse.stream(exchange, SseOptions.defaults(), stream -> answer(question, stream));
     *     }
     * });
     * }</pre>
     *
     * @param exchange the exchange, whose response headers are not yet sent
     * @param options  heartbeat and retry hint (CORS is the caller's, see {@link #cors})
     * @param producer produces the stream's events
     */
    public static void stream(HttpExchange exchange, SseOptions options, SseStream.Producer producer) {
        ExchangeStream stream = ExchangeStream.open(exchange, options);
        if (stream == null) {
            return;
        }
        stream.startHeartbeat(options);
        try {
            producer.produce(stream);
        } catch (InterruptedException e) {
            ExchangeStream.LOG.log(Level.DEBUG, "producer interrupted: its stream was aborted");
        } catch (Exception e) {
            ExchangeStream.LOG.log(Level.WARNING, "event producer failed", e);
        } finally {
            stream.finish();
        }
    }

    /**
     * Creates a filter that answers CORS preflight requests from these origins and lets them
     * read the responses of the context it is added to.
     *
     * @param origins exact origins such as {@code https://example.com}, or {@code *} for any
     * @return the filter
     */
    public static Filter cors(String... origins) {
        return new Cors(Set.of(origins));
    }

    /**
     * Returns the query parameters of a request URI, decoded as UTF-8, in order; a parameter
     * that is not validly percent-encoded is left out.
     *
     * @param uri the request URI
     * @return the parameters by name, each with its values in order
     */
    public static Map<String, List<String>> query(URI uri) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException badEscape) {
                // A malformed escape decodes to nothing trustworthy: skip the parameter.
            }
        }
        return params;
    }

    /**
     * Returns the request body as text, or answers the request itself and returns {@code null}:
     * with 413 when the body is over {@code maxBytes}, with 400 when it is not valid UTF-8.
     * Only that many bytes (plus one) are ever read, so an oversized body costs nothing.
     *
     * @param exchange the exchange
     * @param maxBytes the largest body accepted
     * @return the body decoded as UTF-8, or {@code null} if the request was refused
     * @throws IOException if the body cannot be read or the refusal cannot be written
     */
    public static String readText(HttpExchange exchange, int maxBytes) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            respond(exchange, 413, "the body is over " + maxBytes + " bytes");
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            respond(exchange, 400, "the body is not valid UTF-8");
            return null;
        }
    }

    /**
     * Sends a complete {@code text/plain} response, the text followed by a newline, and closes
     * the exchange. Errors are answered this way: a status and a one-line reason.
     *
     * @param exchange the exchange, whose headers are not yet sent
     * @param status   the status code
     * @param text     the body, usually one line
     * @throws IOException if the response cannot be written
     */
    public static void respond(HttpExchange exchange, int status, String text) throws IOException {
        respond(exchange, status, "text/plain; charset=utf-8", text + "\n");
    }

    /**
     * Sends a complete response with this content type and body, and closes the exchange; a
     * HEAD request gets the headers only.
     *
     * @param exchange    the exchange, whose headers are not yet sent
     * @param status      the status code
     * @param contentType the {@code Content-Type}, such as {@code text/html; charset=utf-8}
     * @param body        the body, sent as UTF-8
     * @throws IOException if the response cannot be written
     */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        try (exchange) {
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }
    }
}

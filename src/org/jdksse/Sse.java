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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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
     * Creates a server at this address, with a virtual thread per request, an explicit backlog
     * and safe limits; it is not started.
     *
     * <p>The limits are the JDK's {@code HttpServer} system properties, which it reads once per
     * process, when its first server is created. This method sets each one the user has not set
     * (with {@code -D} or {@link System#setProperty} before the first server), so they hold only
     * if the process's first {@code HttpServer} comes from here:
     * <ul>
     * <li>{@code jdk.httpserver.maxConnections}: the descriptor limit minus 250 (see
     *     {@link #maxConnections()}); over it the JDK closes new connections at once, instead of
     *     failing to accept them in a loop that spins a core.
     * <li>{@code sun.net.httpserver.maxReqTime}: 10 seconds to send a request's head and body;
     *     then the JDK closes the connection. Streams are responses: this does not end them, but
     *     a handler that streams in answer to a POST must read the body first ({@link #readText}
     *     does).
     * <li>{@code sun.net.httpserver.maxReqHeaders} 200 and {@code sun.net.httpserver.maxReqHeaderSize}
     *     65,536 bytes (request line included): over them the JDK closes the connection without
     *     an answer. Below them, every context answers {@code 414} for a request line over 8 KiB
     *     and {@code 431} for over 100 header fields or 32 KiB of them.
     * <li>{@code sun.net.httpserver.clockTick} 1,000 ms: a connection that never sends a byte is
     *     closed within a second of the timeout instead of ten.
     * <li>{@code sun.net.httpserver.maxRspTime} is left unset: it would end every stream.
     * </ul>
     * A value of 0 or less turns a limit off. Refusals are logged at most once a minute.
     *
     * @param address the address to bind
     * @return the server, not started
     * @throws IOException if the address cannot be bound
     */
    public static HttpServer server(InetSocketAddress address) throws IOException {
        Limits.applyDefaults();
        HttpServer server = new LimitedServer(HttpServer.create(address, BACKLOG));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        return server;
    }

    /**
     * Returns the connection cap of the servers {@link #server} creates: the system property
     * {@code jdk.httpserver.maxConnections} if set, else the process's descriptor limit minus
     * 250 (half the limit when that is small); 0 when the user turned the cap off. A broadcaster's
     * default subscriber limit stays 250 below it, so that a full server still answers 503.
     *
     * @return the cap, or 0 for none
     */
    public static int maxConnections() {
        return Limits.maxConnections();
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
     * usual way for GET. A query that is not validly percent-encoded gets 400 instead. Read a
     * request body to its end first ({@link #readText} does): until then the JDK counts the request
     * as still arriving, and closes the connection at the request timeout (see {@link #server}).
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
        try {
            query(exchange.getRequestURI()); // a malformed query (lastEventId among it) is refused, not ignored
        } catch (IllegalArgumentException malformed) {
            try {
                respond(exchange, 400, malformed.getMessage());
            } catch (IOException gone) {
                exchange.close();
            }
            return;
        }
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
     * read the responses of the context it is added to; an origin named exactly may send
     * credentials (cookies) too, one let in by {@code *} alone may not.
     *
     * @param origins exact origins such as {@code https://example.com}, or {@code *} for any
     * @return the filter
     */
    public static Filter cors(String... origins) {
        return new Cors(Set.of(origins));
    }

    /**
     * Returns the query parameters of a request URI, decoded as UTF-8 ({@code +} is a space), in
     * order. A parameter that is not validly percent-encoded UTF-8 is an error, never skipped:
     * a handler answers it with 400, as it would a malformed form body.
     *
     * @param uri the request URI
     * @return the parameters by name, each with its values in order
     * @throws IllegalArgumentException naming the parameter, if one is malformed
     */
    public static Map<String, List<String>> query(URI uri) {
        return Form.decode(uri.getRawQuery(), "query parameter");
    }

    /**
     * Returns a request header's first value as the client sent it: decoded as UTF-8, which is
     * what browsers send for a non-ASCII {@code Last-Event-ID}, where the JDK's server hands
     * header values over as ISO-8859-1. Bytes that are not UTF-8 become U+FFFD.
     *
     * @param exchange the exchange
     * @param name     the header's name
     * @return the value, or {@code null} if the request has no such header
     */
    public static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? null : new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * Returns the origin of the web page that sent this request when it is not the server's own,
     * as the browser states it: the {@code Origin} header, or the scheme and authority of the
     * {@code Referer} without one. A page's origin is the server's own when its authority is the
     * request's {@code Host}. Browsers send {@code Origin} with every {@code POST}, and a page on
     * another site can make one to any server its visitor reaches, this machine's included; so a
     * server that trusts a client for its address or its cookie must refuse requests for which
     * this is not null (or comes from an origin it opted into).
     *
     * @param exchange the exchange
     * @return the other page's origin ({@code "null"} for a page without one, such as a sandboxed
     *         frame); {@code null} for the server's own pages and for a request that names no page,
     *         as a command-line client's does
     */
    public static String crossOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String source = origin == null || origin.strip().equals("null") ? exchange.getRequestHeaders().getFirst("Referer") : origin;
        if (source == null) {
            return origin == null ? null : "null";
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        URI page;
        try {
            page = URI.create(source.strip());
        } catch (IllegalArgumentException e) {
            return "null"; // not a URL: no origin this server could have
        }
        if (host != null && page.getRawAuthority() != null && page.getRawAuthority().equalsIgnoreCase(host.strip())) {
            return null;
        }
        return origin != null ? origin.strip() : page.getScheme() + "://" + page.getRawAuthority();
    }

    /**
     * Says whether a browser sent this request for a web page: it names one in {@code Origin} or
     * {@code Referer}, as browsers do with every {@code POST}; tools such as {@code curl} name none.
     *
     * @param exchange the exchange
     * @return {@code true} if the request names the page it comes from
     */
    public static boolean fromPage(HttpExchange exchange) {
        return exchange.getRequestHeaders().containsKey("Origin") || exchange.getRequestHeaders().containsKey("Referer");
    }

    /**
     * Says whether the request's {@code Host} names this machine's loopback: {@code localhost}
     * (or a name under {@code .localhost}), a {@code 127.x.x.x} address or {@code [::1]}; a request
     * without one (HTTP/1.0) counts as naming it. A server that trusts loopback clients needs this
     * beside {@link #crossOrigin} for requests {@link #fromPage}: a page whose site name an attacker
     * points at 127.0.0.1 (DNS rebinding) is of the same origin as every request it makes, and only
     * its {@code Host} tells.
     *
     * @param exchange the exchange
     * @return {@code false} if the {@code Host} names anything else
     */
    public static boolean hostIsLoopback(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return true;
        }
        host = host.strip().toLowerCase(Locale.ROOT);
        String name;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            name = end < 0 ? host : host.substring(1, end);
        } else {
            int colon = host.lastIndexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
        }
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")
                || name.matches("(::ffff:)?127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    }

    /**
     * Decodes an {@code application/x-www-form-urlencoded} body as {@link #query} decodes a query
     * string, with the same rule for a malformed field.
     *
     * @param body the body as text, or null
     * @return the fields by name, each with its values in order
     * @throws IllegalArgumentException naming the field, if one is malformed
     */
    public static Map<String, List<String>> form(String body) {
        return Form.decode(body, "form field");
    }

    /**
     * Returns the request body as text, or answers the request itself and returns {@code null}:
     * with 413 when the body is over {@code maxBytes}, with 408 when it is still arriving two
     * seconds before the request timeout (see {@link #server}), with 400 when it is not valid
     * UTF-8. Only that many bytes (plus one) are ever kept; up to four times as many are read and
     * thrown away before a 413, so that the client can read the answer.
     *
     * @param exchange the exchange
     * @param maxBytes the largest body accepted
     * @return the body decoded as UTF-8, or {@code null} if the request was refused
     * @throws IOException if the body cannot be read or the refusal cannot be written
     */
    public static String readText(HttpExchange exchange, int maxBytes) throws IOException {
        byte[] body = Body.read(exchange, maxBytes);
        if (body == null) {
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
     * the exchange. Errors are answered this way: a status and a one-line reason. For a status of
     * 400 or more the reason is kept to one line (line breaks escaped, cut at 200 characters), so
     * that a reason quoting a client's value stays short.
     *
     * @param exchange the exchange, whose headers are not yet sent
     * @param status   the status code
     * @param text     the body, usually one line
     * @throws IOException if the response cannot be written
     */
    public static void respond(HttpExchange exchange, int status, String text) throws IOException {
        respond(exchange, status, "text/plain; charset=utf-8", (status >= 400 ? oneLine(text) : text) + "\n");
    }

    private static String oneLine(String text) {
        String line = String.valueOf(text).replace("\r", "\\r").replace("\n", "\\n");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
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
                // Out before the close, which first drains what is left of the request body:
                // a refused client still trickling its body gets the answer now.
                exchange.getResponseBody().flush();
            }
        }
    }
}

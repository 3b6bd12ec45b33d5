package org.jdksse.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An exchange made by hand, so that a handler can be called with a remote address no test could
 * connect from (such as 192.0.2.1, a documentation address), or with a client that is gone: no
 * packet is sent anywhere.
 */
public final class FakeExchange extends HttpExchange {
    private final String method;
    private final URI uri;
    private final InetSocketAddress remote;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream in;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private volatile boolean gone;
    /** The response body: what the JDK's server would send, kept in {@link #out} unless the client is gone. */
    private final OutputStream body = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkClient();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            checkClient();
        }
    };
    private int status = -1;
    private boolean closed;

    /**
     * Makes a request; the body's length is its {@code Content-Length}.
     *
     * @param method        the method
     * @param target        the request target, such as {@code /events?topic=t}
     * @param remoteAddress an address literal, such as {@code 192.0.2.1} (no lookup is made)
     * @param body          the body, sent as UTF-8
     * @throws Exception if the target or the address is malformed
     */
    public FakeExchange(String method, String target, String remoteAddress, String body) throws Exception {
        this.method = method;
        this.uri = new URI(target);
        // getByName with an address literal parses it: no lookup, no traffic.
        this.remote = new InetSocketAddress(InetAddress.getByName(remoteAddress), 40000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        this.in = new ByteArrayInputStream(bytes);
        requestHeaders.set("Content-Length", Integer.toString(bytes.length));
    }

    /**
     * Sets a request header.
     *
     * @param name  the header's name
     * @param value its value
     * @return this exchange
     */
    public FakeExchange header(String name, String value) {
        requestHeaders.set(name, value);
        return this;
    }

    /**
     * Makes every later write or flush of the response body fail, as the JDK's server does once
     * the client has reset the connection.
     *
     * @return this exchange
     */
    public FakeExchange clientGone() {
        gone = true;
        return this;
    }

    private void checkClient() throws IOException {
        if (gone) {
            throw new IOException("Connection reset by peer");
        }
    }

    /**
     * Returns the status the handler sent, or -1.
     *
     * @return the status, or -1 before the handler sent headers
     */
    public int status() {
        return status;
    }

    /**
     * Returns what the handler wrote, as UTF-8.
     *
     * @return the response body
     */
    public String body() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Returns whether the handler closed the exchange.
     *
     * @return true once closed
     */
    public boolean closed() {
        return closed;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return body;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
        if (status != -1) {
            throw new IllegalStateException("headers sent twice");
        }
        status = code;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}

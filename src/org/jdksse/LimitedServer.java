package org.jdksse;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * The server {@link Sse#server} returns: the JDK's, with the {@link Limits} filter first on every
 * context, because the JDK has no server-wide filter. Everything else is the JDK's server's.
 */
final class LimitedServer extends HttpServer {
    private final HttpServer server;

    LimitedServer(HttpServer server) {
        this.server = server;
    }

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        return limited(server.createContext(path, handler));
    }

    @Override
    public HttpContext createContext(String path) {
        return limited(server.createContext(path));
    }

    private static HttpContext limited(HttpContext context) {
        context.getFilters().add(0, Limits.FILTER);
        return context;
    }

    @Override
    public void bind(InetSocketAddress address, int backlog) throws IOException {
        server.bind(address, backlog);
    }

    @Override
    public void start() {
        server.start();
    }

    @Override
    public void setExecutor(Executor executor) {
        server.setExecutor(executor);
    }

    @Override
    public Executor getExecutor() {
        return server.getExecutor();
    }

    @Override
    public void stop(int delay) {
        server.stop(delay);
    }

    @Override
    public void removeContext(String path) {
        server.removeContext(path);
    }

    @Override
    public void removeContext(HttpContext context) {
        server.removeContext(context);
    }

    @Override
    public InetSocketAddress getAddress() {
        return server.getAddress();
    }

    @Override
    public String toString() {
        return server.toString();
    }
}

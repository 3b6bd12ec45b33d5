package org.jdksse.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a Redis server is and how to log in: {@code redis://[[user]:password@]host[:port][/db]}.
 * Its {@link #toString} never shows the password.
 */
record RedisUri(String host, int port, String user, String password, int db) {
    static final String FORM = "redis://[[user]:password@]host[:port][/db]";

    /**
     * Parses a URL.
     *
     * @throws IllegalArgumentException in one line naming the form expected, without the password
     */
    static RedisUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("redis URL is missing: expected " + FORM);
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redis URL is malformed (expected " + FORM + ")");
        }
        return parse(uri);
    }

    /** Parses a URL; see {@link #parse(String)}. */
    static RedisUri parse(URI uri) {
        String scheme = uri.getScheme();
        if ("rediss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("redis URL: TLS (rediss://) is not supported; use redis:// on a trusted network or a TLS tunnel");
        }
        if (!"redis".equalsIgnoreCase(scheme) || uri.isOpaque()) {
            throw new IllegalArgumentException("redis URL must start with redis:// (expected " + FORM + "), not " + redact(uri));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("redis URL has no host (expected " + FORM + "): " + redact(uri));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("redis URL port must be 1 to 65535: " + redact(uri));
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                // redis://secret@host is how some tools write a password alone.
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
            if (password != null && password.isEmpty()) {
                password = null;
            }
        }
        int db = 0;
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            String digits = path.substring(1);
            if (!digits.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("redis URL database must be a number, as in redis://host:6379/0: " + redact(uri));
            }
            db = Integer.parseInt(digits);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("redis URL must not have a query or fragment (expected " + FORM + "): " + redact(uri));
        }
        return new RedisUri(host, port, user, password, db);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // URLDecoder's message quotes the text: it would show the password.
            throw new IllegalArgumentException("redis URL user or password has a malformed %-escape");
        }
    }

    /** Returns the URL with everything up to its last {@code @} replaced, for messages. */
    private static String redact(URI uri) {
        // By text, not getRawUserInfo: a URI with an unparsable authority has none, yet may hold one.
        // Up to the last '@', not the first '/', '?' or '#': an unescaped password may hold any of
        // those (the parser then reads it as a path, query or fragment), and a host never holds '@'.
        return uri.toString().replaceFirst("(?s)^([^/]*//)?.*@", "$1***@");
    }

    /** Returns host:port, for messages. */
    String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "redis://" + (password != null ? (user != null ? user : "") + ":***@" : "") + address() + (db != 0 ? "/" + db : "");
    }
}

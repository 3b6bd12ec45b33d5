package org.jdksse.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a Redis server is and how to log in: {@code redis://[[user]:password@]host[:port][/db]}.
 * Its {@link #toString} never shows the password.
 *
 * <p>The authority is read here, not by {@link URI}: {@code URI} takes a host holding {@code _}
 * for a registry name and has no host then, and Docker Compose names its services that way
 * ({@code redis_1}, {@code myapp_redis_1}). The user info runs up to the last {@code @}, so that a
 * password may hold {@code #}, {@code ?}, {@code /} or {@code @} unescaped (as generated passwords
 * do), besides {@code %}-escapes; a host never holds {@code @}.
 */
record RedisUri(String host, int port, String user, String password, int db) {
    static final String FORM = "redis://[[user]:password@]host[:port][/db]";

    /** A host name: letters, digits, '-', '.' and the '_' that DNS allows and URI does not. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    /** An IPv6 literal inside brackets, with an optional zone ({@code %25eth0}, RFC 6874, or a bare {@code %eth0}). */
    private static final Pattern IPV6 = Pattern.compile("([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:%(?:25)?([A-Za-z0-9._~-]+))?");

    /**
     * Parses a URL.
     *
     * @throws IllegalArgumentException in one line naming the field at fault and the form expected,
     *                                  without the password
     */
    static RedisUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("redis URL is missing: expected " + FORM);
        }
        String url = text.strip();
        // Not echoed: a message must stay on one line, and this text may hold the password anywhere.
        if (url.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("redis URL is malformed: it holds a space or a control character (expected " + FORM + ")");
        }
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
        if ("rediss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("redis URL: TLS (rediss://) is not supported; use redis:// on a trusted network or a TLS tunnel");
        }
        if (!"redis".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("redis URL must start with redis:// (expected " + FORM + "), not " + redact(url));
        }
        String rest = url.substring(schemeEnd + 3);
        int at = rest.lastIndexOf('@');
        String info = at < 0 ? null : rest.substring(0, at);
        String location = rest.substring(at + 1);
        if (location.indexOf('?') >= 0 || location.indexOf('#') >= 0) {
            throw new IllegalArgumentException("redis URL must not have a query or fragment (expected " + FORM + "): " + redact(url));
        }
        int slash = location.indexOf('/');
        String authority = slash < 0 ? location : location.substring(0, slash);
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            Matcher v6 = IPV6.matcher(close < 0 ? "" : authority.substring(1, close));
            if (!v6.matches() || !(close == authority.length() - 1 || authority.charAt(close + 1) == ':')) {
                throw new IllegalArgumentException("redis URL host is not a valid IPv6 address in brackets, as in redis://[::1]:6379: " + redact(url));
            }
            host = v6.group(2) == null ? v6.group(1) : v6.group(1) + "%" + v6.group(2);
            port = authority.substring(close + 1);
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? "" : authority.substring(colon);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("redis URL has no host (expected " + FORM + "): " + redact(url));
            }
            if (!NAME.matcher(host).matches() || port.indexOf(':', 1) >= 0) {
                throw new IllegalArgumentException("redis URL host must be a name or an IPv4 address, or an IPv6 address in brackets (expected " + FORM + "): " + redact(url));
            }
        }
        return new RedisUri(host, port(port, url), user(info), password(info), db(slash < 0 ? "" : location.substring(slash), url));
    }

    /** Parses a URL; see {@link #parse(String)}. */
    static RedisUri parse(URI uri) {
        // Its text, as given: URI accepts redis://redis_1:6379 (a registry authority), with no host.
        return parse(uri.toString());
    }

    /** Returns the port of {@code ":6380"}, or 6379 for {@code ""} or {@code ":"} (RFC 3986 allows an empty port). */
    private static int port(String colonPort, String url) {
        String digits = colonPort.isEmpty() ? "" : colonPort.substring(1);
        int port = digits.isEmpty() ? 6379 : digits.matches("[0-9]{1,5}") ? Integer.parseInt(digits) : -1;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("redis URL port must be 1 to 65535: " + redact(url));
        }
        return port;
    }

    private static String user(String info) {
        int colon = info == null ? -1 : info.indexOf(':');
        return colon <= 0 ? null : decode(info.substring(0, colon));
    }

    private static String password(String info) {
        if (info == null) {
            return null;
        }
        // redis://secret@host, without a colon, is how some tools write a password alone.
        String password = decode(info.substring(info.indexOf(':') + 1));
        return password.isEmpty() ? null : password;
    }

    private static int db(String path, String url) {
        if (path.isEmpty() || path.equals("/")) {
            return 0;
        }
        if (!path.matches("/[0-9]{1,5}")) {
            throw new IllegalArgumentException("redis URL database must be a number, as in redis://host:6379/0: " + redact(url));
        }
        return Integer.parseInt(path.substring(1));
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
    private static String redact(String url) {
        // Up to the last '@', as the parser reads it: the user info may hold '/', '?' and '#'.
        return url.replaceFirst("(?s)^([^/]*//)?.*@", "$1***@");
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

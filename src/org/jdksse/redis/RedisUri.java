package org.jdksse.redis;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Where a Redis server is and how to log in: {@code redis://[[user]:password@]host[:port][/db]}.
 * Its {@link #toString} never shows the password.
 *
 * <p>The authority is read here, not by {@link URI}: {@code URI} takes a host holding {@code _}
 * for a registry name and has no host then, and Docker Compose names its services that way
 * ({@code redis_1}, {@code myapp_redis_1}). As in RFC 3986 the authority ends at the first
 * {@code /}, {@code ?} or {@code #}, and the user info at its last {@code @}: a password may hold
 * {@code @} as it is, and must %-escape {@code /}, {@code ?} and {@code #}; one that does not is
 * refused rather than read as a host ({@code redis://h/0?password=a@b} must not send {@code a}'s
 * half of a secret to a host named {@code b}).
 */
record RedisUri(String host, int port, String user, String password, int db) {
    static final String FORM = "redis://[[user]:password@]host[:port][/db]";

    /** A host name: letters, digits, '-', '.' and the '_' that DNS allows and URI does not. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    /** An IPv6 zone (an interface's name or number), RFC 6874. */
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9._~-]+");
    /** The longest IPv6 literal with a zone that a URL can sensibly hold, checked before any parsing. */
    private static final int MAX_IPV6 = 64;

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
        int authorityEnd = indexOfAny(rest, "/?#");
        if (rest.indexOf('@', authorityEnd) >= 0) {
            // Not echoed: the text before that '@' is most likely a password.
            throw new IllegalArgumentException("redis URL password (or user) must %-escape '/', '?' and '#' "
                    + "(as %2F, %3F and %23), else they end the host part (expected " + FORM + ")");
        }
        String authority = rest.substring(0, authorityEnd);
        String path = rest.substring(authorityEnd);
        int query = indexOfAny(path, "?#");
        if (query < path.length()) {
            throw new IllegalArgumentException("redis URL must not have a query or fragment (expected " + FORM + "): "
                    + redact(url));
        }
        int at = authority.lastIndexOf('@');
        String info = at < 0 ? null : authority.substring(0, at);
        String hostPort = authority.substring(at + 1);
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            host = close < 0 ? null : ipv6(hostPort.substring(1, close));
            if (host == null || !(close == hostPort.length() - 1 || hostPort.charAt(close + 1) == ':')) {
                throw new IllegalArgumentException("redis URL host is not a valid IPv6 address in brackets, as in redis://[::1]:6379: " + redact(url));
            }
            port = hostPort.substring(close + 1);
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? "" : hostPort.substring(colon);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("redis URL has no host (expected " + FORM + "): " + redact(url));
            }
            if (!NAME.matcher(host).matches() || port.indexOf(':', 1) >= 0) {
                throw new IllegalArgumentException("redis URL host must be a name or an IPv4 address, or an IPv6 address in brackets (expected " + FORM + "): " + redact(url));
            }
        }
        return new RedisUri(host, port(port, url), user(info), password(info), db(path, url));
    }

    /** Returns the first index in {@code s} of any of {@code chars}, or its length. */
    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    /**
     * Returns the host of an IPv6 literal (what is inside the brackets), with its zone as
     * {@code %zone}, or null if it is not one. The zone is written {@code %25zone} (RFC 6874) or,
     * as browsers take it, {@code %zone} (unless it starts with 25); an empty one is refused.
     */
    private static String ipv6(String literal) {
        if (literal.length() > MAX_IPV6) {
            return null;
        }
        int percent = literal.indexOf('%');
        String address = percent < 0 ? literal : literal.substring(0, percent);
        String zone = percent < 0 ? null : literal.substring(percent + 1);
        if (zone != null && zone.startsWith("25")) {
            zone = zone.substring(2);
        }
        if (zone != null && !ZONE.matcher(zone).matches() || !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return null;
        }
        try {
            // A literal in brackets is only checked, never looked up (InetAddress.getAllByName).
            InetAddress.getByName("[" + address + "]");
        } catch (UnknownHostException invalid) {
            return null;
        }
        return zone == null ? address : address + "%" + zone;
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
        return colon <= 0 ? null : decode(info.substring(0, colon), "user");
    }

    private static String password(String info) {
        if (info == null) {
            return null;
        }
        // redis://secret@host, without a colon, is how some tools write a password alone.
        String password = decode(info.substring(info.indexOf(':') + 1), "password");
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

    /**
     * Decodes %-escapes ({@code +} stays a plus, as in any URL's user info). The messages never quote
     * the text, which is a secret; bytes that are not UTF-8 are refused rather than turned into
     * U+FFFD, which would send Redis a password nobody typed.
     */
    private static String decode(String s, String field) {
        ByteBuffer bytes = ByteBuffer.allocate(s.length() * 3); // UTF-8 takes at most 3 bytes a char
        for (int i = 0, percent; i < s.length(); i = percent + 3) {
            percent = s.indexOf('%', i);
            bytes.put(s.substring(i, percent < 0 ? s.length() : percent).getBytes(StandardCharsets.UTF_8));
            if (percent < 0) {
                break;
            }
            // HexFormat, not Character.digit, which takes other scripts' digits too.
            boolean hex = percent + 2 < s.length() && HexFormat.isHexDigit(s.charAt(percent + 1))
                    && HexFormat.isHexDigit(s.charAt(percent + 2));
            if (!hex) {
                throw new IllegalArgumentException("redis URL " + field + " has a malformed %-escape");
            }
            bytes.put((byte) HexFormat.fromHexDigits(s, percent + 1, percent + 3));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(bytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("redis URL " + field + " is not UTF-8 once its %-escapes are decoded");
        }
    }

    /**
     * Returns the URL for messages: everything up to its last {@code @} replaced, and its query or
     * fragment cut, since a query can name a password ({@code ?password=}, as some clients read it).
     */
    private static String redact(String url) {
        // Up to the last '@' anywhere, not only in the authority: a password typed with an
        // unescaped '/', '?' or '#' is refused, and its refusal must not show it either.
        String shown = url.replaceFirst("(?s)^([^/]*//)?.*@", "$1***@");
        int query = indexOfAny(shown, "?#");
        return query < shown.length() ? shown.substring(0, query) + "?..." : shown;
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

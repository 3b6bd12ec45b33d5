package org.jdksse.client;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URLs as the client's messages show them: without their user info and without the values of
 * their {@code authorization} and {@code access_token} query parameters, each replaced by
 * {@code ***}. A URL can carry a password ({@code https://user:pw@host/}) or a token (Mercure's
 * {@code authorization} parameter, OAuth's {@code access_token}), and the exceptions and log lines
 * of an {@link EventSource} end up in logs that its holder never meant to share. The other query
 * parameters stay, since they say which stream failed ({@code ?topic=prices}).
 *
 * <p>The user info is taken to run from {@code //} to the last {@code @}, not to the first
 * {@code /}, {@code ?} or {@code #}: a password written unescaped may hold any of those, and a
 * message must not show half of it. So a URL with an {@code @} in its path or query loses what
 * comes before that {@code @} too; a message showing too little is the safe side.
 *
 * <p>Stateless; its methods may be called from any thread.
 */
public final class Redacted {
    /** A URL in a message: a scheme, then everything up to white space (a URI holds none). */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S*");
    /** A query parameter: its name (after {@code ?} or {@code &}) and its value, up to the next one. */
    private static final Pattern PARAMETER = Pattern.compile("([?&])([^&=#]*)=([^&]*)");
    /** A %-escape, in a parameter's name. */
    private static final Pattern ESCAPE = Pattern.compile("%([0-9A-Fa-f]{2})");
    /** Up to the last '@', after the scheme's "//" if there is one. */
    private static final Pattern USER_INFO = Pattern.compile("(?s)^([^/]*//)?.*@");

    private Redacted() {
    }

    /**
     * Returns the text with every URL in it redacted: what a program that prints the client's
     * messages, or its own text naming a URL, can show in a log. For example,
     * {@code Redacted.text("HTTP 401 from https://u:pw@h/e?topic=a&authorization=t")} returns
     * {@code "HTTP 401 from https://***@h/e?topic=a&authorization=***"}. A URL is a scheme and
     * {@code ://} followed by everything up to white space; text without one is returned as it is.
     *
     * @param text any text, such as an exception's message
     * @return the text with each URL's user info and credential parameters replaced by {@code ***}
     * @throws NullPointerException if {@code text} is null
     */
    public static String text(String text) {
        Matcher url = URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (url.find()) {
            url.appendReplacement(out, Matcher.quoteReplacement(url(url.group())));
        }
        return url.appendTail(out).toString();
    }

    /** Returns the URI redacted, for the client's own messages; a relative or opaque one too. */
    static String uri(URI uri) {
        return url(uri.toString());
    }

    private static String url(String url) {
        // The parameters first: a token may hold an '@', which would otherwise end the user info.
        Matcher parameter = PARAMETER.matcher(url);
        StringBuilder safe = new StringBuilder(url.length());
        while (parameter.find()) {
            String value = isCredential(parameter.group(2)) ? "***" : parameter.group(3);
            parameter.appendReplacement(safe, Matcher.quoteReplacement(parameter.group(1) + parameter.group(2) + "=" + value));
        }
        return USER_INFO.matcher(parameter.appendTail(safe)).replaceFirst("$1***@");
    }

    /** Whether a parameter named so carries a credential; the name as a server decodes it ({@code %61uthorization}). */
    private static boolean isCredential(String name) {
        String decoded = ESCAPE.matcher(name).replaceAll(escape -> Matcher.quoteReplacement(
                String.valueOf((char) Integer.parseInt(escape.group(1), 16))));
        return decoded.equalsIgnoreCase("authorization") || decoded.equalsIgnoreCase("access_token");
    }
}

package org.jdksse.mercure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An RFC 6570 URI template turned into a regular expression that matches its expansions, for
 * topic selectors: every expression matches what its operator could expand to, every literal
 * part matches itself only (quoted, so that {@code .} or {@code ?} in a URL is no pattern).
 *
 * <p>What an expression matches, by operator (a value is a run of the characters the operator
 * leaves unencoded, or percent escapes; lists and exploded variables add their separators):
 * <ul>
 * <li>{@code {var}}: unreserved characters and escapes, and {@code ,} between values;
 *     so {@code /books/{id}} matches {@code /books/1} but not {@code /books/1/reviews};
 * <li>{@code {+var}}, {@code {#var}}: reserved characters too (so {@code /} is allowed), the
 *     second after a {@code #};
 * <li>{@code {/var}}, {@code {.var}}: zero or more segments, each after a {@code /} or {@code .};
 * <li>{@code {;var}}, {@code {?var}}, {@code {&var}}: named parameters of the expression's
 *     variables, each {@code name=value} (for {@code ;} the {@code =value} is optional). A
 *     {@code ?} or {@code &} value may also hold reserved characters unencoded, but for
 *     {@code &} and {@code #}: the protocol's own example publishes the alternate topic
 *     {@code https://example.com/users/foo/?topic=https%3A%2F%2F...} in a form body, where it
 *     arrives decoded, and expects {@code https://example.com/users/foo/{?topic}} to match it.
 * </ul>
 * An undefined variable expands to nothing, so every expression also matches the empty string.
 * A prefix modifier ({@code :3}) is accepted and not enforced: the match is a little wider.
 */
final class UriTemplate {
    private static final String UNRESERVED = "A-Za-z0-9\\-._~";
    private static final String RESERVED = ":/?#\\[\\]@!$&'()*+,;=";
    private static final String ESCAPE = "%[0-9A-Fa-f]{2}";
    private static final Pattern VARSPEC =
            Pattern.compile("(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*(?::[1-9][0-9]{0,3}|\\*)?");

    private UriTemplate() {
    }

    /**
     * Returns the pattern matching the template's expansions, or {@code null} when the text is
     * not a URI template with at least one expression (then a selector matches only itself).
     */
    static Pattern compile(String template) {
        StringBuilder regex = new StringBuilder();
        int expressions = 0;
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (open < 0) {
                if (close >= 0) {
                    return null; // a } without its {
                }
                regex.append(Pattern.quote(template.substring(i)));
                break;
            }
            if (close >= 0 && close < open) {
                return null;
            }
            if (open > i) {
                regex.append(Pattern.quote(template.substring(i, open)));
            }
            close = template.indexOf('}', open);
            if (close < 0 || template.indexOf('{', open + 1) >= 0 && template.indexOf('{', open + 1) < close) {
                return null; // unclosed or nested
            }
            String expression = expression(template.substring(open + 1, close));
            if (expression == null) {
                return null;
            }
            regex.append(expression);
            expressions++;
            i = close + 1;
        }
        return expressions == 0 ? null : Pattern.compile(regex.toString());
    }

    /** Returns the regex for the inside of one {@code {...}}, or null if it is not valid. */
    private static String expression(String body) {
        if (body.isEmpty()) {
            return null;
        }
        char op = body.charAt(0);
        boolean hasOp = "+#./;?&".indexOf(op) >= 0;
        if (!hasOp && "=,!@|".indexOf(op) >= 0) {
            return null; // reserved for future operators: not a template we can read
        }
        List<String> names = new ArrayList<>();
        for (String spec : body.substring(hasOp ? 1 : 0).split(",", -1)) {
            if (!VARSPEC.matcher(spec).matches()) {
                return null;
            }
            int end = spec.length();
            if (spec.endsWith("*")) {
                end--;
            } else if (spec.indexOf(':') >= 0) {
                end = spec.indexOf(':');
            }
            names.add(Pattern.quote(spec.substring(0, end)));
        }
        String plain = "(?:[" + UNRESERVED + "]|" + ESCAPE + ")*";
        String wide = "(?:[" + UNRESERVED + RESERVED + "]|" + ESCAPE + ")*";
        String name = "(?:" + String.join("|", names) + ")";
        String query = "(?:[" + UNRESERVED + ":/?\\[\\]@!$'()*+,;=]|" + ESCAPE + ")*";
        return switch (hasOp ? op : ' ') {
            case '+' -> wide;
            case '#' -> "(?:#" + wide + ")?";
            case '/' -> "(?:/" + listOf(plain) + ")*";
            // A value after . cannot hold a . itself: else "(\.[.]*)*" backtracks exponentially.
            case '.' -> "(?:\\.(?:[A-Za-z0-9\\-_~]|" + ESCAPE + ")*)*";
            case ';' -> "(?:;" + name + "(?:=" + listOf(plain) + ")?)*";
            // The query class holds "," already: no list around it, or "a*(,a*)*" would backtrack.
            case '?' -> "(?:\\?" + name + "=" + query + "(?:&" + name + "=" + query + ")*)?";
            case '&' -> "(?:&" + name + "=" + query + ")*";
            default -> listOf(plain);
        };
    }

    private static String listOf(String value) {
        return value + "(?:," + value + ")*";
    }
}

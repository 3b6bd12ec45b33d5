package org.jdksse.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 for the tests: every line is
 * checked against the format's grammar (HELP and TYPE lines, metric and label names, label value
 * escapes, sample values), a family's TYPE comes once and before its samples, and a family's
 * samples stay together. Anything else throws. One rule goes beyond the format, which allows
 * untyped samples: every sample needs a TYPE, since the hub types all of its families.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile(
            "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?Inf|NaN");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

    /**
     * One sample line.
     *
     * @param name   the metric name
     * @param labels the labels, unescaped, in order
     * @param value  the value
     */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private PrometheusText() {
    }

    /**
     * Reads a whole exposition.
     *
     * @param text the text, ending in a line feed
     * @return its samples, in order
     * @throws IllegalArgumentException naming the line, if the text breaks the format
     */
    public static List<Sample> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text must end with a line feed");
        }
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> finished = new HashSet<>();
        String current = null;
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.indexOf('\r') >= 0) {
                throw bad(number, line, "CR in a line");
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher help = HELP.matcher(line);
                Matcher type = TYPE.matcher(line);
                if (line.startsWith("# HELP ")) {
                    if (!help.matches() || !validEscapes(help.group(2), false)) {
                        throw bad(number, line, "malformed HELP");
                    }
                    if (!helped.add(help.group(1))) {
                        throw bad(number, line, "second HELP for a family");
                    }
                } else if (line.startsWith("# TYPE ")) {
                    if (!type.matches()) {
                        throw bad(number, line, "malformed TYPE");
                    }
                    if (types.put(type.group(1), type.group(2)) != null) {
                        throw bad(number, line, "second TYPE for a family");
                    }
                    if (samples.stream().anyMatch(s -> s.name().equals(type.group(1)))) {
                        throw bad(number, line, "TYPE after the family's samples");
                    }
                }
                continue;
            }
            Sample sample = sample(number, line);
            if (!types.containsKey(sample.name())) {
                throw bad(number, line, "a sample without a TYPE for its family");
            }
            if (!sample.name().equals(current)) {
                if (current != null) {
                    finished.add(current);
                }
                if (finished.contains(sample.name())) {
                    throw bad(number, line, "the family's samples are not together");
                }
                current = sample.name();
            }
            samples.add(sample);
        }
        return samples;
    }

    private static Sample sample(int number, String line) {
        Matcher name = NAME.matcher(line);
        if (!name.lookingAt()) {
            throw bad(number, line, "no metric name");
        }
        int at = name.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                Matcher label = LABEL.matcher(line).region(at, line.length());
                if (!label.lookingAt()) {
                    throw bad(number, line, "bad label name");
                }
                at = label.end();
                if (!line.startsWith("=\"", at)) {
                    throw bad(number, line, "= and a quote expected after a label name");
                }
                at += 2;
                StringBuilder value = new StringBuilder();
                for (;;) {
                    if (at >= line.length()) {
                        throw bad(number, line, "unterminated label value");
                    }
                    char c = line.charAt(at++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = at < line.length() ? line.charAt(at++) : ' ';
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw bad(number, line, "bad escape in a label value");
                        }
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label.group(), value.toString()) != null) {
                    throw bad(number, line, "repeated label");
                }
                if (line.charAt(at) == ',') {
                    at++;
                } else if (line.charAt(at) != '}') {
                    throw bad(number, line, ", or } expected");
                }
            }
            at++;
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw bad(number, line, "a space before the value expected");
        }
        String[] rest = line.substring(at + 1).split(" ", -1);
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()
                || rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
            throw bad(number, line, "bad value or timestamp");
        }
        double value = rest[0].endsWith("Inf") ? (rest[0].startsWith("-") ? Double.NEGATIVE_INFINITY
                : Double.POSITIVE_INFINITY) : rest[0].equals("NaN") ? Double.NaN : Double.parseDouble(rest[0]);
        return new Sample(name.group(), labels, value);
    }

    private static boolean validEscapes(String text, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                char e = i + 1 < text.length() ? text.charAt(++i) : ' ';
                if (e != '\\' && e != 'n' && !(quotes && e == '"')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(int number, String line, String why) {
        return new IllegalArgumentException(why + " on line " + number + ": " + line);
    }
}

package org.jdksse.hub;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jdksse.client.EventSource;
import org.jdksse.client.MessageEvent;
import org.jdksse.client.Redacted;

/**
 * The {@code listen} command: subscribes to any SSE endpoint with {@link EventSource} and prints
 * each event as one JSON line, {@code {"type":"message","data":"...","id":"..."}}, flushed at once so
 * that a pipe sees it immediately. It reconnects like a browser, noting each reconnect on stderr;
 * it exits 0 when the server answers 204 (or stdout is closed), 1 with a one-line reason on a fatal
 * error, and 2 with the usage on bad arguments. {@code --read-timeout} replaces a connection that
 * has been silent that long (set it above the server's heartbeat, to find half-open connections).
 * What it prints never holds a URL's user info, its {@code authorization} query parameter (a
 * Mercure token), its {@code access_token} or a header's value: every URL in a message goes through {@link Redacted}, the
 * client's own redaction.
 */
final class Listen {
    static final String USAGE = "usage: listen URL [--last-event-id ID] [--header 'Name: value']... [--read-timeout SECONDS]";
    /** The longest --read-timeout: a day of silence is no longer a connection worth watching. */
    private static final BigDecimal MAX_READ_TIMEOUT = BigDecimal.valueOf(86_400);

    private Listen() {
    }

    static int run(String[] args) {
        // UTF-8 whatever the locale, since the JSON lines are meant for other programs.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        return run(args, out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        EventSource.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("listen: " + Redacted.text(e.getMessage()));
            err.println(USAGE);
            return 2;
        }
        if (builder == null) {
            out.println(USAGE);
            out.flush();
            return 0;
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> fatal = new AtomicReference<>();
        EventSource source = builder.start(new EventSource.Listener() {
            @Override
            public void onEvent(EventSource src, MessageEvent event) {
                out.print(json(event));
                out.flush();
                if (out.checkError()) {
                    // Nobody reads any more (a closed pipe); stopping is the useful thing to do.
                    src.close();
                    done.countDown();
                }
            }

            @Override
            public void onError(EventSource src, IOException error) {
                if (src.isClosed()) {
                    fatal.set(reason(error));
                } else {
                    err.println("listen: " + reason(error) + "; reconnecting");
                }
            }

            @Override
            public void onClosed(EventSource src) {
                done.countDown();
            }
        });
        try {
            done.await();
        } catch (InterruptedException e) {
            source.close();
            Thread.currentThread().interrupt();
            return 1;
        }
        if (fatal.get() != null) {
            err.println("listen: " + fatal.get());
            return 1;
        }
        return 0;
    }

    /** Returns the configured builder, or null when the arguments ask for help. */
    private static EventSource.Builder parse(String[] args) {
        String url = null;
        String lastEventId = null;
        Duration readTimeout = null;
        List<String[]> headers = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--last-event-id" -> lastEventId = value(args, ++i, arg);
                case "--read-timeout" -> readTimeout = seconds(arg, value(args, ++i, arg));
                case "--header" -> {
                    String header = value(args, ++i, arg);
                    int colon = header.indexOf(':');
                    if (colon <= 0) {
                        // Not echoed: without its colon, "Authorization Bearer ..." is still a token.
                        throw new IllegalArgumentException("--header must look like 'Name: value'");
                    }
                    headers.add(new String[] {header.substring(0, colon).strip(), header.substring(colon + 1).strip()});
                }
                default -> {
                    if (arg.startsWith("-")) {
                        // Up to a value only: --header=Authorization: Bearer ... holds a token.
                        throw new IllegalArgumentException("unknown option " + arg.split("[=:\\s]", 2)[0]);
                    }
                    if (url != null) {
                        // Not echoed: a second argument is often a header whose --header was forgotten.
                        throw new IllegalArgumentException("one URL only; a header goes after --header, as in --header 'Name: value'");
                    }
                    url = arg;
                }
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("URL is missing");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // The reason and where, not getMessage: it quotes the whole text, which Redacted cannot
            // delimit when the fault is a space.
            throw new IllegalArgumentException("URL is not valid: " + e.getReason() + " at index " + e.getIndex());
        }
        EventSource.Builder builder = EventSource.builder(uri);
        if (lastEventId != null) {
            builder.lastEventId(lastEventId);
        }
        if (readTimeout != null) {
            builder.readTimeout(readTimeout);
        }
        for (String[] h : headers) {
            try {
                builder.header(h[0], h[1]);
            } catch (IllegalArgumentException e) {
                // The JDK's message quotes the value, which may be a token.
                throw new IllegalArgumentException("--header " + h[0] + ": the name is not a token, or the value holds a control character");
            }
        }
        return builder;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Parses a positive number of seconds, whole or not ({@code 45}, {@code 0.5}), up to a day. */
    private static Duration seconds(String option, String value) {
        long millis = 0;
        try {
            BigDecimal seconds = new BigDecimal(value);
            if (seconds.compareTo(MAX_READ_TIMEOUT) <= 0) {
                millis = seconds.movePointRight(3).setScale(0, RoundingMode.DOWN).longValue();
            }
        } catch (NumberFormatException e) {
            // Refused below, with the rule.
        }
        if (millis < 1) {
            throw new IllegalArgumentException(option + " needs a number of seconds from 0.001 to " + MAX_READ_TIMEOUT + ", such as 45 or 0.5, not '" + value + "'");
        }
        return Duration.ofMillis(millis);
    }

    /**
     * Returns a one-line reason, redacted; HttpClient's ConnectException has no message of its
     * own, only its cause.
     */
    static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return Redacted.text(t == error ? t.getMessage() : error.getClass().getSimpleName() + ": " + t.getMessage());
            }
        }
        return error.getClass().getSimpleName();
    }

    /** Returns the event as one JSON line ending in LF, with text outside ASCII kept readable. */
    static String json(MessageEvent event) {
        StringBuilder sb = new StringBuilder(event.data().length() + 48);
        JsonString.READABLE.append(sb.append("{\"type\":"), event.type());
        JsonString.READABLE.append(sb.append(",\"data\":"), event.data());
        JsonString.READABLE.append(sb.append(",\"id\":"), event.lastEventId());
        return sb.append("}\n").toString();
    }
}

package org.jdksse.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdksse.mercure.MercureOptions;

/**
 * The hub's command line, parsed and validated: each flag once (but {@code --cors-origin}),
 * either as {@code --flag value} or {@code --flag=value}.
 *
 * @param host           the interface to listen on
 * @param port           the port, 0 for any free one
 * @param history        events kept for resume, or -1 for the broadcaster's default
 * @param heartbeat      the heartbeat interval, {@link Duration#ZERO} for none, or null for the default
 * @param maxSubscribers the subscriber limit, or 0 for the broadcaster's default (descriptors minus headroom)
 * @param corsOrigins    the origins whose pages may use the hub across sites
 * @param publishToken   the bearer token publishers must send, or null for none (loopback only)
 * @param mercure        the Mercure endpoint's keys and features (see {@link MercureFlags})
 * @param redis          the Redis URL of a shared log, or null for the in-memory log
 * @param redisStream    the Redis stream's key
 * @param maxConnections the connection cap, or 0 for the library's default (see {@code Sse.server})
 * @param requestTimeout seconds to send a request's head and body, or 0 for the library's default
 */
record HubOptions(String host, int port, int history, Duration heartbeat, int maxSubscribers,
                  List<String> corsOrigins, String publishToken, MercureOptions mercure, String redis, String redisStream,
                  int maxConnections, int requestTimeout) {

    static final String USAGE = """
            usage: java -jar jdk-sse.jar [flags]            the pub/sub hub
                   java -jar jdk-sse.jar listen URL [--last-event-id ID] [--header 'Name: value']
                                            [--read-timeout SECONDS]   the client
              --host HOST              interface to listen on (default 127.0.0.1)
              --port PORT              port to listen on, 0 for any free one (default 8080)
              --history N              events kept for Last-Event-ID resume (default 1000); in memory
                                       also at most 4 MiB of them, the oldest going first
              --heartbeat SECONDS      heartbeat comment interval, 0 for none (default 15)
              --max-subscribers N      open streams allowed; over it 503 (default: descriptor limit minus headroom)
              --cors-origin ORIGIN     let pages from ORIGIN subscribe and publish (repeatable; * for any)
              --publish-token TOKEN    require "Authorization: Bearer TOKEN" to publish
                                       (or env JDKSSE_PUBLISH_TOKEN; without one only loopback clients may publish)
              --redis URL              share one Redis stream with other hubs: redis://[[user]:password@]host[:port][/db]
                                       (or env JDKSSE_REDIS); --history is then the stream's approximate MAXLEN
              --redis-stream KEY       the stream's key (default jdksse; or env JDKSSE_REDIS_STREAM)
              --publisher-jwt-key KEY  Mercure (/.well-known/mercure): verify publishers' JWTs with KEY
                                       (without one only loopback clients may publish there)
              --subscriber-jwt-key KEY Mercure: verify subscribers' JWTs with KEY (without one: public updates only)
              --jwt-algorithm ALG      HS256 (KEY is the secret), RS256 or ES256 (KEY is a PEM public key
                                       or @file); default HS256
              --anonymous              Mercure: with a subscriber key, still serve subscribers without a token
              --subscriptions          Mercure: presence (subscription events and the subscriptions API)
                                       (each Mercure flag also as env JDKSSE_<NAME>, e.g. JDKSSE_SUBSCRIBER_JWT_KEY)
              --max-connections N      open connections allowed; over it new ones are closed at once
                                       (default: descriptor limit minus 250; subscribers stay 250 below it)
              --request-timeout SECONDS  time to send a request's head and body; streams are not
                                       affected (default 10)
              each flag can also be given as the environment variable JDKSSE_<FLAG>, such as
              JDKSSE_MAX_CONNECTIONS; a flag wins over the environment
              --help                   print this and exit
            """;

    /** Thrown for a command line the hub cannot run with; the message is one line for stderr. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Thrown for {@code --help}: not an error, but nothing to run either. */
    static final class HelpRequested extends Exception {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help");
        }
    }

    /**
     * Parses the flags; the environment supplies {@code JDKSSE_<NAME>} for each flag the command
     * line does not give ({@code JDKSSE_CORS_ORIGIN} may hold several origins, comma-separated).
     */
    static HubOptions parse(String[] args, Map<String, String> env) throws UsageException, HelpRequested {
        String host = "127.0.0.1";
        int port = 8080;
        int history = -1;
        Duration heartbeat = null;
        int maxSubscribers = 0;
        List<String> origins = new ArrayList<>();
        String token = null;
        String redis = null;
        String redisStream = null;
        int maxConnections = 0;
        int requestTimeout = 0;
        List<String> seen = new ArrayList<>();
        List<Setting> settings = new ArrayList<>();
        MercureFlags mercure = new MercureFlags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested();
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (MercureFlags.isSwitch(name)) {
                value = "true";
            } else if (i + 1 < args.length && isKnown(name)) {
                value = args[++i];
            } else {
                value = null;
            }
            if (!isKnown(name)) {
                throw new UsageException("unknown flag: " + name);
            }
            if (value == null) {
                throw new UsageException(name + " needs a value");
            }
            // A repeated flag is more likely a mistake than an intended override.
            if (!name.equals("--cors-origin") && seen.contains(name)) {
                throw new UsageException(name + " given twice");
            }
            seen.add(name);
            settings.add(new Setting(name, value, name));
        }
        // Every flag is also JDKSSE_<NAME> (DESIGN.md); the command line wins. Mercure's are read by mercure.build.
        for (String flag : HUB_FLAGS) {
            String variable = variable(flag);
            String value = env.get(variable);
            if (!seen.contains(flag) && value != null && !value.isEmpty()) {
                // One variable, so several origins come comma-separated.
                for (String part : flag.equals("--cors-origin") ? value.split(",") : new String[] {value}) {
                    settings.add(new Setting(flag, part.strip(), variable));
                }
            }
        }
        for (Setting setting : settings) {
            String name = setting.source();
            String value = setting.value();
            switch (setting.flag()) {
                case "--host" -> host = nonEmpty(name, value);
                case "--port" -> port = number(name, value, 0, 65535);
                case "--history" -> history = number(name, value, 0, 10_000_000);
                case "--heartbeat" -> heartbeat = Duration.ofSeconds(number(name, value, 0, 86_400));
                case "--max-subscribers" -> maxSubscribers = number(name, value, 1, Integer.MAX_VALUE);
                case "--cors-origin" -> origins.add(origin(name, value));
                case "--publish-token" -> token = token(name, value);
                case "--redis" -> redis = redisUrl(name, value);
                case "--redis-stream" -> redisStream = streamKey(name, value);
                case "--max-connections" -> maxConnections = number(name, value, 1, Integer.MAX_VALUE);
                case "--request-timeout" -> requestTimeout = number(name, value, 1, 3600);
                default -> mercure.set(name, value);
            }
        }
        if (redis != null && history == 0) {
            throw new UsageException("--history must be at least 1 with --redis: it is the stream's MAXLEN, and hubs read"
                    + " each other's events from the stream");
        }
        // A full hub must still have a connection left to answer 503 with.
        if (maxConnections > 0 && maxSubscribers >= maxConnections) {
            throw new UsageException("--max-subscribers (" + maxSubscribers + ") must be below --max-connections ("
                    + maxConnections + "), so that a full hub still answers 503");
        }
        return new HubOptions(host, port, history, heartbeat, maxSubscribers, List.copyOf(origins), token,
                mercure.build(env), redis, redisStream == null ? "jdksse" : redisStream, maxConnections, requestTimeout);
    }

    /** The hub's own flags (not Mercure's), in the order their variables are read. */
    private static final List<String> HUB_FLAGS = List.of("--host", "--port", "--history", "--heartbeat",
            "--max-subscribers", "--cors-origin", "--publish-token", "--redis", "--redis-stream", "--max-connections",
            "--request-timeout");

    /** Returns the environment variable of a flag: {@code --max-connections} is {@code JDKSSE_MAX_CONNECTIONS}. */
    static String variable(String flag) {
        return "JDKSSE_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** A flag's value, from the command line or the environment, and the name to give in an error. */
    private record Setting(String flag, String value, String source) {
    }

    private static boolean isKnown(String name) {
        return HUB_FLAGS.contains(name) || MercureFlags.isKnown(name);
    }

    private static String nonEmpty(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " must not be empty");
        }
        return value;
    }

    private static int number(String name, String value, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new UsageException(name + " needs a whole number from " + min + " to " + max + ", not " + quote(value));
    }

    /** Accepts {@code *} or a scheme://host[:port] origin, which is what browsers send in {@code Origin}. */
    private static String origin(String name, String value) throws UsageException {
        if (value.equals("*")) {
            return value;
        }
        if (!value.matches("[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+")) {
            throw new UsageException(name + " needs an origin such as https://example.com (no path), or *, not "
                    + quote(value));
        }
        // As browsers send it in the Origin header, which is compared as text: in lower case, and
        // without the scheme's default port.
        String origin = value.toLowerCase(Locale.ROOT);
        if (origin.startsWith("http://") && origin.endsWith(":80")) {
            return origin.substring(0, origin.length() - ":80".length());
        }
        if (origin.startsWith("https://") && origin.endsWith(":443")) {
            return origin.substring(0, origin.length() - ":443".length());
        }
        return origin;
    }

    /** A token must fit in a header line, so that a client can send it at all. */
    private static String token(String name, String value) throws UsageException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new UsageException(name + " must be printable ASCII without spaces");
        }
        return value;
    }

    /** Checks the URL's form now (so that a typo stops the hub at once), without ever repeating it: it may hold a password. */
    private static String redisUrl(String name, String value) throws UsageException {
        try {
            org.jdksse.redis.RedisEventLog.checkUrl(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + ": " + e.getMessage());
        }
        return value;
    }

    private static String streamKey(String name, String value) throws UsageException {
        if (value.isEmpty() || value.length() > 256 || value.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException(name + " needs a key of 1 to 256 characters without control characters");
        }
        return value;
    }

    private static String quote(String value) {
        return "\"" + value + "\"";
    }

    /** Hides the token: options end up in logs. */
    @Override
    public String toString() {
        return "HubOptions[host=" + host + ", port=" + port + ", history=" + history + ", heartbeat=" + heartbeat
                + ", maxSubscribers=" + maxSubscribers + ", corsOrigins=" + corsOrigins + ", publishToken="
                + (publishToken == null ? "none" : "set") + ", mercure=" + mercure + ", redis=" + (redis == null ? "none" : "set")
                + ", redisStream=" + redisStream + ", maxConnections=" + maxConnections + ", requestTimeout=" + requestTimeout + "]";
    }
}

package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubOptionsTest {

    private static HubOptions parse(String... args) throws Exception {
        return HubOptions.parse(args, Map.of());
    }

    private static String refusal(String... args) {
        return assertThrows(HubOptions.UsageException.class, () -> HubOptions.parse(args, Map.of())).getMessage();
    }

    @Test
    void defaultsListenOnLoopbackPort8080WithoutToken() throws Exception {
        HubOptions options = parse();
        assertEquals("127.0.0.1", options.host());
        assertEquals(8080, options.port());
        assertEquals(-1, options.history());
        assertNull(options.heartbeat());
        assertEquals(0, options.maxSubscribers());
        assertEquals(List.of(), options.corsOrigins());
        assertNull(options.publishToken());
    }

    @Test
    void everyFlagIsParsed() throws Exception {
        HubOptions options = parse("--host", "0.0.0.0", "--port", "9000", "--history", "50", "--heartbeat", "5",
                "--max-subscribers", "10", "--cors-origin", "https://a.example", "--publish-token", "s3cret");
        assertEquals("0.0.0.0", options.host());
        assertEquals(9000, options.port());
        assertEquals(50, options.history());
        assertEquals(Duration.ofSeconds(5), options.heartbeat());
        assertEquals(10, options.maxSubscribers());
        assertEquals(List.of("https://a.example"), options.corsOrigins());
        assertEquals("s3cret", options.publishToken());
    }

    @Test
    void flagsAcceptTheEqualsForm() throws Exception {
        HubOptions options = parse("--port=9001", "--heartbeat=0", "--publish-token=a=b");
        assertEquals(9001, options.port());
        assertEquals(Duration.ZERO, options.heartbeat());
        assertEquals("a=b", options.publishToken());
    }

    @Test
    void corsOriginRepeatsAndAcceptsTheWildcard() throws Exception {
        HubOptions options = parse("--cors-origin", "https://a.example", "--cors-origin", "http://localhost:3000",
                "--cors-origin", "*");
        assertEquals(List.of("https://a.example", "http://localhost:3000", "*"), options.corsOrigins());
    }

    @Test
    void unknownFlagIsRefusedByName() {
        assertEquals("unknown flag: --prot", refusal("--prot", "9000"));
        assertEquals("unexpected argument: 9000", refusal("9000"));
    }

    @Test
    void flagWithoutValueIsRefused() {
        assertEquals("--port needs a value", refusal("--port"));
    }

    @Test
    void outOfRangeOrNonNumericValuesAreRefused() {
        assertTrue(refusal("--port", "65536").startsWith("--port needs a whole number from 0 to 65535"));
        assertTrue(refusal("--port", "-1").startsWith("--port needs a whole number"));
        assertTrue(refusal("--history", "many").startsWith("--history needs a whole number"));
        assertTrue(refusal("--heartbeat", "-5").startsWith("--heartbeat needs a whole number"));
        assertTrue(refusal("--max-subscribers", "0").startsWith("--max-subscribers needs a whole number from 1"));
    }

    @Test
    void aFlagGivenTwiceIsRefused() {
        assertEquals("--port given twice", refusal("--port", "1", "--port", "2"));
    }

    @Test
    void corsOriginIsKeptAsBrowsersSendItInLowerCaseWithoutTheDefaultPort() throws Exception {
        HubOptions options = parse("--cors-origin", "HTTPS://App.Example:443", "--cors-origin", "http://Localhost:80",
                "--cors-origin", "http://localhost:8080", "--cors-origin", "https://[::1]:443");
        assertEquals(List.of("https://app.example", "http://localhost", "http://localhost:8080", "https://[::1]"),
                options.corsOrigins());
    }

    @Test
    void corsOriginWithAPathIsRefused() {
        assertTrue(refusal("--cors-origin", "https://a.example/app").startsWith("--cors-origin needs an origin"));
        assertTrue(refusal("--cors-origin", "a.example").startsWith("--cors-origin needs an origin"));
    }

    @Test
    void tokenWithSpacesOrEmptyIsRefused() {
        assertTrue(refusal("--publish-token", "two words").contains("printable ASCII"));
        assertTrue(refusal("--publish-token=").contains("printable ASCII"));
    }

    @Test
    void tokenComesFromTheEnvironmentWhenTheFlagIsAbsent() throws Exception {
        assertEquals("fromenv", HubOptions.parse(new String[0], Map.of("JDKSSE_PUBLISH_TOKEN", "fromenv")).publishToken());
        assertEquals("flag", HubOptions.parse(new String[] {"--publish-token", "flag"},
                Map.of("JDKSSE_PUBLISH_TOKEN", "fromenv")).publishToken());
        assertNull(HubOptions.parse(new String[0], Map.of("JDKSSE_PUBLISH_TOKEN", "")).publishToken());
    }

    @Test
    void helpIsRecognisedAnywhere() {
        assertThrows(HubOptions.HelpRequested.class, () -> parse("--help"));
        assertThrows(HubOptions.HelpRequested.class, () -> parse("--port", "1", "--help"));
    }

    @Test
    void usageNamesEveryFlag() {
        for (String flag : List.of("--host", "--port", "--history", "--heartbeat", "--max-subscribers",
                "--cors-origin", "--publish-token", "JDKSSE_PUBLISH_TOKEN", "--help")) {
            assertTrue(HubOptions.USAGE.contains(flag), flag);
        }
    }

    @Test
    void toStringHidesTheToken() throws Exception {
        String text = parse("--publish-token", "s3cret").toString();
        assertFalse(text.contains("s3cret"), text);
        assertTrue(text.contains("publishToken=set"), text);
    }

    @Test
    void redisFlagsAndTheirEnvironmentVariablesAreReadAndCheckedWithoutRepeatingThePassword() throws Exception {
        HubOptions none = parse();
        assertNull(none.redis());
        assertEquals("jdksse", none.redisStream());
        HubOptions flags = parse("--redis", "redis://:pw@10.0.0.5:6380/2", "--redis-stream", "orders");
        assertEquals("redis://:pw@10.0.0.5:6380/2", flags.redis());
        assertEquals("orders", flags.redisStream());
        assertFalse(flags.toString().contains("pw"), flags.toString());
        HubOptions env = HubOptions.parse(new String[0], Map.of("JDKSSE_REDIS", "redis://h", "JDKSSE_REDIS_STREAM", "s"));
        assertEquals("redis://h", env.redis());
        assertEquals("s", env.redisStream());
        // Docker Compose's service names hold '_', which java.net.URI takes for no host at all.
        assertEquals("redis://:pw@myapp_redis_1:6379", parse("--redis", "redis://:pw@myapp_redis_1:6379").redis());
        String bad = refusal("--redis", "http://:secret@h");
        assertTrue(bad.startsWith("--redis: redis URL must start with redis://"), bad);
        assertFalse(bad.contains("secret"), bad);
        assertTrue(refusal("--redis-stream", "").contains("--redis-stream needs a key"));
        // --history is the stream's MAXLEN there: 0 would trim each event before any hub read it.
        assertTrue(refusal("--redis", "redis://h", "--history", "0").startsWith("--history must be at least 1 with --redis"));
        assertEquals(0, parse("--history", "0").history(), "in memory, 0 keeps no history and still delivers");
    }

    @Test
    void everyFlagIsAlsoAnEnvironmentVariableAndTheCommandLineWins() throws Exception {
        Map<String, String> env = Map.of("JDKSSE_HOST", "0.0.0.0", "JDKSSE_PORT", "9000", "JDKSSE_HISTORY", "50",
                "JDKSSE_HEARTBEAT", "5", "JDKSSE_MAX_SUBSCRIBERS", "10",
                "JDKSSE_CORS_ORIGIN", "https://a.example, https://b.example");
        HubOptions o = HubOptions.parse(new String[0], env);
        assertEquals("0.0.0.0", o.host());
        assertEquals(9000, o.port());
        assertEquals(50, o.history());
        assertEquals(Duration.ofSeconds(5), o.heartbeat());
        assertEquals(10, o.maxSubscribers());
        assertEquals(List.of("https://a.example", "https://b.example"), o.corsOrigins());
        HubOptions flags = HubOptions.parse(new String[] {"--port", "9001", "--cors-origin", "https://c.example"}, env);
        assertEquals(9001, flags.port());
        assertEquals(List.of("https://c.example"), flags.corsOrigins());
        String bad = assertThrows(HubOptions.UsageException.class,
                () -> HubOptions.parse(new String[0], Map.of("JDKSSE_PORT", "eighty"))).getMessage();
        assertTrue(bad.startsWith("JDKSSE_PORT needs a whole number"), bad);
        // Every refused variable is named as the variable, the Mercure ones too.
        for (var wrong : List.of(Map.entry("JDKSSE_CORS_ORIGIN", "https://a.example/"), Map.entry("JDKSSE_JWT_ALGORITHM", "none"),
                Map.entry("JDKSSE_SUBSCRIBER_JWT_KEY", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----"))) {
            Map<String, String> one = wrong.getKey().equals("JDKSSE_SUBSCRIBER_JWT_KEY")
                    ? Map.of(wrong.getKey(), wrong.getValue(), "JDKSSE_JWT_ALGORITHM", "RS256") : Map.ofEntries(wrong);
            String message = assertThrows(HubOptions.UsageException.class, () -> HubOptions.parse(new String[0], one)).getMessage();
            assertTrue(message.startsWith(wrong.getKey() + " ") || message.startsWith(wrong.getKey() + ":"), message);
        }
    }

    @Test
    void connectionCapAndRequestTimeoutComeFromFlagsOrTheEnvironment() throws Exception {
        HubOptions flags = parse("--max-connections", "5000", "--request-timeout", "30");
        assertEquals(5000, flags.maxConnections());
        assertEquals(30, flags.requestTimeout());
        HubOptions defaults = parse();
        assertEquals(0, defaults.maxConnections(), "0: the library's default");
        assertEquals(0, defaults.requestTimeout(), "0: the library's default");
        HubOptions env = HubOptions.parse(new String[] {"--request-timeout", "7"},
                Map.of("JDKSSE_MAX_CONNECTIONS", "900", "JDKSSE_REQUEST_TIMEOUT", "99"));
        assertEquals(900, env.maxConnections());
        assertEquals(7, env.requestTimeout(), "a flag wins over the environment");
    }

    @Test
    void subscriberLimitMustStayBelowTheConnectionCap() {
        assertEquals("--max-subscribers (100) must be below --max-connections (100), so that a full hub still answers 503",
                refusal("--max-connections", "100", "--max-subscribers", "100"));
        assertEquals("--request-timeout needs a whole number from 1 to 3600, not \"0\"", refusal("--request-timeout", "0"));
        assertEquals("JDKSSE_MAX_CONNECTIONS needs a whole number from 1 to 2147483647, not \"many\"",
                assertThrows(HubOptions.UsageException.class,
                        () -> HubOptions.parse(new String[0], Map.of("JDKSSE_MAX_CONNECTIONS", "many"))).getMessage());
    }

    /** One in-process run of the hub's command line, with its exit code and what it printed. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Hub.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagExitsWith2WithAOneLineErrorAndUsage() {
        Run run = run("--bogus", "1");
        assertEquals(2, run.code());
        assertEquals("jdk-sse: unknown flag: --bogus", run.err().lines().findFirst().orElse(""));
        assertEquals("jdk-sse: unknown flag: --bogus\n" + HubOptions.USAGE, run.err());
        assertEquals("", run.out());
    }

    @Test
    void helpPrintsUsageAndExits0() {
        Run run = run("--help");
        assertEquals(0, run.code());
        assertEquals(HubOptions.USAGE, run.out());
        assertTrue(run.out().contains("--publish-token TOKEN"));
        assertEquals("", run.err());
    }

    @Test
    void portInUseExitsWith1AndSaysWhy() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = run("--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, run.code());
            assertTrue(run.err().startsWith("jdk-sse: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertEquals("", run.out());
        }
    }
}

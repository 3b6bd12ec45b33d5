package org.jdksse.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.jdksse.mercure.MercureOptions;
import org.junit.jupiter.api.Test;

class MercureFlagsTest {

    private static MercureOptions parse(Map<String, String> env, String... args) throws Exception {
        return HubOptions.parse(args, env).mercure();
    }

    @Test
    void withoutFlagsTheMercureEndpointHasNoKeysAndNoPresence() throws Exception {
        MercureOptions options = parse(Map.of());
        assertNull(options.publisherKey());
        assertNull(options.subscriberKey());
        assertFalse(options.anonymous());
        assertFalse(options.subscriptions());
    }

    @Test
    void keysSwitchesAndTheAlgorithmAreParsedInAnyOrder() throws Exception {
        MercureOptions options = parse(Map.of(), "--publisher-jwt-key", "K", "--anonymous", "--subscriber-jwt-key=K2",
                "--subscriptions", "--port", "0");
        assertEquals("HS256", options.publisherKey().algorithm());
        assertEquals("HS256", options.subscriberKey().algorithm());
        assertTrue(options.anonymous());
        assertTrue(options.subscriptions());
        assertFalse(parse(Map.of(), "--anonymous=false").anonymous());
    }

    @Test
    void everyFlagAlsoComesFromTheEnvironmentAndTheFlagWins() throws Exception {
        MercureOptions options = parse(Map.of("JDKSSE_PUBLISHER_JWT_KEY", "K", "JDKSSE_SUBSCRIBER_JWT_KEY", "K",
                "JDKSSE_JWT_ALGORITHM", "hs256", "JDKSSE_ANONYMOUS", "1", "JDKSSE_SUBSCRIPTIONS", "true"));
        assertEquals("HS256", options.subscriberKey().algorithm());
        assertTrue(options.anonymous());
        assertTrue(options.subscriptions());
        assertFalse(parse(Map.of("JDKSSE_ANONYMOUS", "1"), "--anonymous=no").anonymous());
    }

    @Test
    void aKeyThatDoesNotFitTheAlgorithmIsAUsageErrorThatDoesNotShowTheKey() {
        HubOptions.UsageException e = assertThrows(HubOptions.UsageException.class,
                () -> parse(Map.of(), "--jwt-algorithm", "RS256", "--publisher-jwt-key", "s3cret-not-pem"));
        assertTrue(e.getMessage().startsWith("--publisher-jwt-key"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertThrows(HubOptions.UsageException.class, () -> parse(Map.of(), "--jwt-algorithm", "HS512", "--publisher-jwt-key", "k"));
        assertThrows(HubOptions.UsageException.class, () -> parse(Map.of(), "--anonymous=maybe"));
        assertThrows(HubOptions.UsageException.class, () -> parse(Map.of(), "--publisher-jwt-key="));
    }

    @Test
    void theOptionsNeverPrintAKey() throws Exception {
        String text = HubOptions.parse(new String[] {"--publisher-jwt-key", "topsecretkey"}, Map.of()).toString();
        assertFalse(text.contains("topsecretkey"), text);
    }
}

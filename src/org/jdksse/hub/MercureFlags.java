package org.jdksse.hub;

import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import org.jdksse.mercure.MercureOptions;
import org.jdksse.mercure.TokenVerifier;

/**
 * The hub's Mercure flags, gathered while {@link HubOptions} parses and turned into
 * {@link MercureOptions} at the end (the algorithm may come after the keys): each flag, else its
 * {@code JDKSSE_*} environment variable. A key that does not fit the algorithm is a usage error,
 * and no message ever shows a key.
 */
final class MercureFlags {
    private String publisherKey;
    private String subscriberKey;
    private String algorithm;
    private Boolean anonymous;
    private Boolean subscriptions;

    static boolean isKnown(String name) {
        return switch (name) {
            case "--publisher-jwt-key", "--subscriber-jwt-key", "--jwt-algorithm", "--anonymous", "--subscriptions" -> true;
            default -> false;
        };
    }

    /** Flags that take no value ({@code --anonymous}); {@code --anonymous=false} turns one off. */
    static boolean isSwitch(String name) {
        return name.equals("--anonymous") || name.equals("--subscriptions");
    }

    void set(String name, String value) throws HubOptions.UsageException {
        switch (name) {
            case "--publisher-jwt-key" -> publisherKey = key(name, value);
            case "--subscriber-jwt-key" -> subscriberKey = key(name, value);
            case "--jwt-algorithm" -> algorithm = value;
            case "--anonymous" -> anonymous = bool(name, value);
            case "--subscriptions" -> subscriptions = bool(name, value);
            default -> throw new AssertionError(name);
        }
    }

    MercureOptions build(Map<String, String> env) throws HubOptions.UsageException {
        String pub = publisherKey != null ? publisherKey : env("JDKSSE_PUBLISHER_JWT_KEY", env);
        String sub = subscriberKey != null ? subscriberKey : env("JDKSSE_SUBSCRIBER_JWT_KEY", env);
        String alg = algorithm != null ? algorithm : env("JDKSSE_JWT_ALGORITHM", env);
        alg = alg == null ? "HS256" : alg.toUpperCase(Locale.ROOT);
        if (!alg.equals("HS256") && !alg.equals("RS256") && !alg.equals("ES256")) {
            throw new HubOptions.UsageException(source("--jwt-algorithm", algorithm) + " must be HS256, RS256 or ES256, not \"" + alg + "\"");
        }
        boolean anon = anonymous != null ? anonymous : bool("JDKSSE_ANONYMOUS", env("JDKSSE_ANONYMOUS", env));
        boolean presence = subscriptions != null ? subscriptions : bool("JDKSSE_SUBSCRIPTIONS", env("JDKSSE_SUBSCRIPTIONS", env));
        return MercureOptions.builder()
                .publisherKey(verifier(source("--publisher-jwt-key", publisherKey), alg, pub))
                .subscriberKey(verifier(source("--subscriber-jwt-key", subscriberKey), alg, sub))
                .anonymous(anon)
                .subscriptions(presence)
                .build();
    }

    /** Names where a value came from, for its error: the flag when given, else its variable. */
    private static String source(String flag, String fromFlag) {
        return fromFlag != null ? flag : HubOptions.variable(flag);
    }

    private static TokenVerifier verifier(String name, String algorithm, String key) throws HubOptions.UsageException {
        if (key == null) {
            return null;
        }
        try {
            return TokenVerifier.of(algorithm, key);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            // The verifier's messages name the problem, never the key.
            throw new HubOptions.UsageException(name + ": " + e.getMessage());
        }
    }

    private static String env(String name, Map<String, String> env) {
        String value = env.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static String key(String name, String value) throws HubOptions.UsageException {
        if (value.isEmpty()) {
            throw new HubOptions.UsageException(name + " must not be empty");
        }
        return value;
    }

    private static boolean bool(String name, String value) throws HubOptions.UsageException {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new HubOptions.UsageException(name + " is true or false, not \"" + value + "\"");
        };
    }

    @Override
    public String toString() {
        return "MercureFlags[keys hidden]";
    }
}

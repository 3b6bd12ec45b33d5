package org.jdksse.mercure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Mercure's JSON Web Tokens (JWS compact form) with one configured algorithm and key,
 * on the JDK alone: HS256 with {@link Mac}, RS256 and ES256 with {@link Signature}.
 *
 * <p>A token is refused, with an {@link InvalidTokenException} whose message is one line that
 * says what is wrong with the token and nothing about the key, when it is longer than
 * {@link #MAX_TOKEN_LENGTH}, is not three base64url parts, has a header that is not JSON or that
 * names {@code none} or any algorithm but the configured one (so that an RSA public key is never
 * used as an HMAC secret), lists {@code crit} parameters, has a signature that does not verify
 * (HMACs are compared in constant time), has claims that are not a JSON object, has expired
 * ({@code exp} is exact: a subscriber's stream is closed then) or is not valid yet ({@code nbf},
 * with {@link #LEEWAY} for clocks that disagree). The claims are read only after the signature
 * verifies.
 *
 * <p>Immutable and safe for use by several threads. The token itself never reaches an exception
 * message or a log line.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.of("HS256", System.getenv("MERCURE_JWT_SECRET"));
 * TokenVerifier.Claims claims = verifier.verify(token);  // or InvalidTokenException
 * claims.publish();  // ["https://example.com/books/{id}"]
 * }</pre>
 */
public final class TokenVerifier {
    /** The longest token read, in characters: a token is a few hundred, and headers have limits too. */
    public static final int MAX_TOKEN_LENGTH = 8192;
    /** How far {@code nbf} may lie in the future, for clocks that disagree a little. */
    public static final Duration LEEWAY = Duration.ofSeconds(5);

    private final String algorithm;
    private final byte[] secret;
    private final PublicKey publicKey;
    private final Clock clock;

    private TokenVerifier(String algorithm, byte[] secret, PublicKey publicKey, Clock clock) {
        this.algorithm = algorithm;
        this.secret = secret;
        this.publicKey = publicKey;
        this.clock = clock;
    }

    /**
     * Returns a verifier of HS256 tokens signed with this secret.
     *
     * @param secret the shared secret, not empty
     * @return the verifier
     * @throws IllegalArgumentException if the secret is empty
     */
    public static TokenVerifier hs256(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the HS256 secret must not be empty");
        }
        return new TokenVerifier("HS256", secret.clone(), null, Clock.systemUTC());
    }

    /**
     * Returns a verifier of RS256 tokens signed with the private key of this RSA public key.
     *
     * @param key an RSA public key of at least 2048 bits
     * @return the verifier
     * @throws IllegalArgumentException if the key is not RSA or shorter than 2048 bits
     */
    public static TokenVerifier rs256(PublicKey key) {
        if (!(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("RS256 needs an RSA public key of at least 2048 bits");
        }
        return new TokenVerifier("RS256", null, key, Clock.systemUTC());
    }

    /**
     * Returns a verifier of ES256 tokens signed with the private key of this P-256 public key.
     *
     * @param key an EC public key on the curve P-256
     * @return the verifier
     * @throws IllegalArgumentException if the key is not an EC key on P-256
     */
    public static TokenVerifier es256(PublicKey key) {
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("ES256 needs an EC public key on the curve P-256");
        }
        return new TokenVerifier("ES256", null, key, Clock.systemUTC());
    }

    /**
     * Returns a verifier for an algorithm named as in a token's header and a key given as text:
     * the secret itself for HS256 (its UTF-8 bytes, as Mercure hubs and Symfony use it), a PEM
     * public key or certificate, or {@code @path} to a file holding one, for RS256 and ES256.
     *
     * @param algorithm {@code HS256}, {@code RS256} or {@code ES256} (any case)
     * @param key       the key as text
     * @return the verifier
     * @throws IllegalArgumentException if the algorithm is unknown or the key does not fit it
     * @throws UncheckedIOException if an {@code @path} file cannot be read
     */
    public static TokenVerifier of(String algorithm, String key) {
        Objects.requireNonNull(key, "key");
        return switch (Objects.requireNonNull(algorithm, "algorithm").toUpperCase(Locale.ROOT)) {
            case "HS256" -> hs256(key.getBytes(StandardCharsets.UTF_8));
            case "RS256" -> rs256(Pem.publicKey(read(key), "RSA"));
            case "ES256" -> es256(Pem.publicKey(read(key), "EC"));
            default -> throw new IllegalArgumentException("the JWT algorithm must be HS256, RS256 or ES256, not "
                    + Json.quote(algorithm));
        };
    }

    private static String read(String key) {
        if (!key.startsWith("@")) {
            return key;
        }
        try {
            return Files.readString(Path.of(key.substring(1)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key file " + key.substring(1), e);
        }
    }

    /**
     * Returns this verifier reading the time from another clock (for tests).
     *
     * @param clock the clock
     * @return the new verifier
     */
    public TokenVerifier withClock(Clock clock) {
        return new TokenVerifier(algorithm, secret, publicKey, Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Returns the algorithm this verifier accepts.
     *
     * @return {@code HS256}, {@code RS256} or {@code ES256}
     */
    public String algorithm() {
        return algorithm;
    }

    /**
     * What a verified token allows: Mercure's {@code mercure} claim, and when the token ends.
     *
     * @param publish   the selectors of the topics its bearer may publish to (empty: none)
     * @param subscribe the selectors of the private updates its bearer may receive (empty: none)
     * @param payload   {@code mercure.payload} as JSON text, or {@code null}
     * @param expires   its {@code exp}, or {@code null} when it does not expire
     */
    public record Claims(List<String> publish, List<String> subscribe, String payload, Instant expires) {
        /**
         * Copies the lists.
         *
         * @throws NullPointerException if a list is null
         */
        public Claims {
            publish = List.copyOf(publish);
            subscribe = List.copyOf(subscribe);
        }
    }

    /** Thrown for a token that is refused; the message is one line for a 401 answer. */
    public static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param reason what is wrong with the token, one line, without the token or the key
         */
        public InvalidTokenException(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Verifies a token and returns its claims.
     *
     * @param token the token in compact form
     * @return the claims
     * @throws InvalidTokenException if the token is refused (see the class docs)
     */
    public Claims verify(String token) throws InvalidTokenException {
        Objects.requireNonNull(token, "token");
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("the token is over " + MAX_TOKEN_LENGTH + " characters");
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
            throw new InvalidTokenException("the token is not a JWS in compact form (three parts separated by dots)");
        }
        Map<String, Object> header = object(decode(token, 0, dot1), "header");
        Object alg = header.get("alg");
        if (!(alg instanceof String name)) {
            throw new InvalidTokenException("the token's header names no algorithm");
        }
        if (name.equalsIgnoreCase("none")) {
            throw new InvalidTokenException("the token is unsigned (alg none), which is refused");
        }
        if (!name.equals(algorithm)) {
            throw new InvalidTokenException("the token is signed with " + printable(name) + ", which this hub does not accept");
        }
        if (header.containsKey("crit")) {
            throw new InvalidTokenException("the token has critical header parameters (crit), which this hub does not support");
        }
        byte[] signature = decode(token, dot2 + 1, token.length());
        if (!verifies(token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII), signature)) {
            throw new InvalidTokenException("the token's signature does not verify");
        }
        return claims(object(decode(token, dot1 + 1, dot2), "claims"));
    }

    private boolean verifies(byte[] input, byte[] signature) {
        try {
            return switch (algorithm) {
                case "HS256" -> {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                    // isEqual takes the same time wherever the bytes differ.
                    yield MessageDigest.isEqual(mac.doFinal(input), signature);
                }
                case "RS256" -> check("SHA256withRSA", input, signature);
                // JOSE sends r||s (32 bytes each); the P1363 format reads exactly that, no DER needed.
                case "ES256" -> signature.length == 64 && check("SHA256withECDSAinP1363Format", input, signature);
                default -> false;
            };
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the configured key does not fit " + algorithm, e);
        } catch (GeneralSecurityException e) {
            return false; // a malformed signature (a bad DER length inside RSA padding): not valid
        }
    }

    private boolean check(String scheme, byte[] input, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(scheme);
        verifier.initVerify(publicKey);
        verifier.update(input);
        return verifier.verify(signature);
    }

    private Claims claims(Map<String, Object> claims) throws InvalidTokenException {
        Instant now = clock.instant();
        Instant expires = time(claims, "exp");
        if (expires != null && !now.isBefore(expires)) {
            throw new InvalidTokenException("the token has expired");
        }
        Instant notBefore = time(claims, "nbf");
        if (notBefore != null && now.plus(LEEWAY).isBefore(notBefore)) {
            throw new InvalidTokenException("the token is not valid yet (nbf)");
        }
        Object mercure = claims.get("mercure");
        if (mercure == null) {
            return new Claims(List.of(), List.of(), null, expires);
        }
        if (!(mercure instanceof Map<?, ?> map)) {
            throw new InvalidTokenException("the token's mercure claim is not an object");
        }
        Object payload = map.get("payload");
        return new Claims(strings(map.get("publish"), "publish"), strings(map.get("subscribe"), "subscribe"),
                payload == null ? null : Json.write(payload), expires);
    }

    private static List<String> strings(Object value, String name) throws InvalidTokenException {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new InvalidTokenException("the token's mercure." + name + " claim is not a list of strings");
    }

    private static Instant time(Map<String, Object> claims, String name) throws InvalidTokenException {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof BigDecimal seconds) || seconds.abs().compareTo(BigDecimal.valueOf(1L << 40)) > 0) {
            throw new InvalidTokenException("the token's " + name + " claim is not a time in seconds");
        }
        return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
    }

    /** Decodes base64url without padding, strictly: one token, one reading. */
    private static byte[] decode(String token, int from, int to) throws InvalidTokenException {
        for (int i = from; i < to; i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new InvalidTokenException("the token is not base64url (unpadded) in every part");
            }
        }
        try {
            return Base64.getUrlDecoder().decode(token.substring(from, to));
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the token is not base64url (unpadded) in every part");
        }
    }

    private static Map<String, Object> object(byte[] bytes, String part) throws InvalidTokenException {
        Object value;
        try {
            value = Json.parse(Utf8Text.strict(bytes));
        } catch (Json.JsonException | IllegalArgumentException e) {
            throw new InvalidTokenException("the token's " + part + " is not JSON: " + e.getMessage());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new InvalidTokenException("the token's " + part + " is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) map;
        return members;
    }

    /** Quotes an algorithm name from a token for a message, cut short and without controls. */
    private static String printable(String name) {
        String cut = name.length() > 16 ? name.substring(0, 16) + "..." : name;
        return Json.quote(cut.replaceAll("\\p{Cntrl}", "?"));
    }

    @Override
    public String toString() {
        return "TokenVerifier[" + algorithm + "]";
    }
}

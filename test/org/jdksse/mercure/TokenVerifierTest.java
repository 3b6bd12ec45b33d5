package org.jdksse.mercure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final TokenVerifier HS = TokenVerifier.of("HS256", Tokens.SECRET)
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC));

    private static String refusal(TokenVerifier verifier, String token) {
        return assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(token)).getMessage();
    }

    @Test
    void aValidHs256TokenGivesItsMercureClaims() throws Exception {
        String token = Tokens.hs256("{\"mercure\":{\"publish\":[\"*\"],\"subscribe\":[\"https://example.com/books/{id}\"],"
                + "\"payload\":{\"user\":\"https://example.com/users/1\",\"n\":[1,2.5]}},\"exp\":" + (NOW.getEpochSecond() + 60) + "}");
        TokenVerifier.Claims claims = HS.verify(token);
        assertEquals(List.of("*"), claims.publish());
        assertEquals(List.of("https://example.com/books/{id}"), claims.subscribe());
        assertEquals("{\"user\":\"https://example.com/users/1\",\"n\":[1,2.5]}", claims.payload());
        assertEquals(NOW.plusSeconds(60), claims.expires());
    }

    @Test
    void aTokenWithoutTheMercureClaimAllowsNothing() throws Exception {
        TokenVerifier.Claims claims = HS.verify(Tokens.hs256("{\"sub\":\"x\"}"));
        assertEquals(List.of(), claims.publish());
        assertEquals(List.of(), claims.subscribe());
        assertNull(claims.payload());
        assertNull(claims.expires());
    }

    @Test
    void aValidRs256TokenVerifiesWithThePemPublicKey() throws Exception {
        KeyPair pair = Tokens.rsa();
        TokenVerifier verifier = TokenVerifier.of("RS256", Tokens.pem(pair.getPublic()));
        String token = Tokens.sign("RS256", pair.getPrivate(), Tokens.claims("[\"a\"]", "[]"));
        assertEquals(List.of("a"), verifier.verify(token).publish());
        KeyPair other = Tokens.rsa();
        assertEquals("the token's signature does not verify",
                refusal(verifier, Tokens.sign("RS256", other.getPrivate(), Tokens.claims("[\"a\"]", "[]"))));
    }

    @Test
    void aValidEs256TokenVerifiesWithTheKeyFromAFile(@TempDir Path dir) throws Exception {
        KeyPair pair = Tokens.ec();
        Path file = dir.resolve("es.pem");
        Files.writeString(file, Tokens.pem(pair.getPublic()));
        TokenVerifier verifier = TokenVerifier.of("ES256", "@" + file);
        String token = Tokens.sign("ES256", pair.getPrivate(), Tokens.claims("[]", "[\"b\"]"));
        assertEquals(List.of("b"), verifier.verify(token).subscribe());
        String truncated = token.substring(0, token.length() - 4);
        assertEquals("the token's signature does not verify", refusal(verifier, truncated));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = Tokens.hs256("{\"exp\":" + (NOW.getEpochSecond() - 1) + "}");
        assertEquals("the token has expired", refusal(HS, token));
        assertEquals("the token has expired", refusal(HS, Tokens.hs256("{\"exp\":" + NOW.getEpochSecond() + "}")));
    }

    @Test
    void aTokenNotValidYetIsRefusedBeyondTheLeeway() throws Exception {
        long soon = NOW.plus(TokenVerifier.LEEWAY).getEpochSecond();
        HS.verify(Tokens.hs256("{\"nbf\":" + soon + "}"));
        assertEquals("the token is not valid yet (nbf)", refusal(HS, Tokens.hs256("{\"nbf\":" + (soon + 1) + "}")));
    }

    @Test
    void aTokenWithAlgNoneIsRefused() {
        String token = Tokens.b64("{\"alg\":\"none\"}") + "." + Tokens.b64(Tokens.claims("[\"*\"]", "[\"*\"]")) + ".";
        assertTrue(refusal(HS, token).contains("alg none"));
        String upper = Tokens.b64("{\"alg\":\"NONE\"}") + "." + Tokens.b64(Tokens.claims("[\"*\"]", "[\"*\"]")) + ".";
        assertTrue(refusal(HS, upper).contains("alg none"));
    }

    @Test
    void aTokenOfAnotherAlgorithmIsRefusedEvenWhenItsHmacUsesThePublicKey() throws Exception {
        KeyPair pair = Tokens.rsa();
        String pem = Tokens.pem(pair.getPublic());
        TokenVerifier rs = TokenVerifier.of("RS256", pem);
        // The classic confusion: an HMAC keyed with the public key's text.
        String forged = Tokens.hs256(pem, "{\"alg\":\"HS256\"}", Tokens.claims("[\"*\"]", "[]"));
        assertEquals("the token is signed with \"HS256\", which this hub does not accept", refusal(rs, forged));
        String hs384 = Tokens.hs256(Tokens.SECRET, "{\"alg\":\"HS384\"}", "{}");
        assertTrue(refusal(HS, hs384).contains("HS384"));
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String token = Tokens.hs256(Tokens.claims("[\"a\"]", "[]"));
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + Tokens.b64(Tokens.claims("[\"*\"]", "[]")) + "." + parts[2];
        assertEquals("the token's signature does not verify", refusal(HS, tampered));
    }

    @Test
    void aTamperedSignatureIsRefused() {
        String token = Tokens.hs256(Tokens.claims("[\"a\"]", "[]"));
        char last = token.charAt(token.length() - 2);
        String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertEquals("the token's signature does not verify", refusal(HS, tampered));
        assertEquals("the token's signature does not verify", refusal(HS, token.substring(0, token.lastIndexOf('.') + 1)));
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        String token = Tokens.hs256("another secret", "{\"alg\":\"HS256\"}", Tokens.claims("[\"*\"]", "[]"));
        assertEquals("the token's signature does not verify", refusal(HS, token));
    }

    @Test
    void malformedTokensAreRefusedWithAReasonThatNeverQuotesThem() {
        String good = Tokens.hs256("{}");
        for (String bad : List.of("", "abc", "a.b", "a.b.c.d", good + "=", "e30.e30.!!",
                Tokens.b64("not json") + ".e30.x", Tokens.b64("[1]") + ".e30.x", Tokens.b64("{\"alg\":1}") + ".e30.x",
                Tokens.b64("{\"alg\":\"HS256\",\"alg\":\"none\"}") + ".e30.x")) {
            String reason = refusal(HS, bad);
            assertFalse(reason.contains("\n"), reason);
            assertTrue(bad.length() < 4 || !reason.contains(bad), reason);
        }
        String claimsNotObject = Tokens.hs256(Tokens.SECRET, "{\"alg\":\"HS256\"}", "[]");
        assertEquals("the token's claims is not a JSON object", refusal(HS, claimsNotObject));
        assertTrue(refusal(HS, Tokens.hs256("{\"mercure\":{\"publish\":\"*\"}}")).contains("mercure.publish"));
        assertTrue(refusal(HS, Tokens.hs256("{\"exp\":\"tomorrow\"}")).contains("exp"));
        assertTrue(refusal(HS, Tokens.hs256(Tokens.SECRET, "{\"alg\":\"HS256\",\"crit\":[\"b64\"]}", "{}")).contains("crit"));
    }

    @Test
    void aTokenOver8KiBIsRefusedBeforeItIsRead() throws Exception {
        String padding = "x".repeat(TokenVerifier.MAX_TOKEN_LENGTH);
        String big = Tokens.hs256("{\"pad\":\"" + padding + "\"}");
        assertEquals("the token is over 8192 characters", refusal(HS, big));
        String justUnder = Tokens.hs256("{\"pad\":\"" + "x".repeat(6000) + "\"}");
        assertTrue(justUnder.length() <= TokenVerifier.MAX_TOKEN_LENGTH);
        HS.verify(justUnder);
    }

    @Test
    void keysThatDoNotFitTheAlgorithmAreRefusedAtConfiguration() throws Exception {
        KeyPair ec = Tokens.ec();
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.of("RS256", Tokens.pem(ec.getPublic())));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.of("ES256", "not a pem"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.of("HS512", "k"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.of("HS256", ""));
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.rs256(small.generateKeyPair().getPublic()));
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.es256(p384.generateKeyPair().getPublic()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.of("ES256", "-----BEGIN PUBLIC KEY-----\nQUJD\n-----END PUBLIC KEY-----"));
        assertFalse(e.getMessage().contains("QUJD"), e.getMessage());
    }
}

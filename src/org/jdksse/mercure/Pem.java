package org.jdksse.mercure;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a public key from PEM text: a {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, what
 * {@code openssl pkey -pubout} writes) or a {@code CERTIFICATE}. Errors never echo the text.
 */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Pem() {
    }

    static PublicKey publicKey(String pem, String keyAlgorithm) {
        Matcher m = BLOCK.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("the " + keyAlgorithm
                    + " key is not PEM text (-----BEGIN PUBLIC KEY----- ...) or @file holding it");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block of the " + keyAlgorithm + " key is not base64");
        }
        try {
            PublicKey key = switch (m.group(1)) {
                case "PUBLIC KEY" -> KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(der));
                case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                default -> throw new IllegalArgumentException("the PEM block is a " + m.group(1)
                        + "; give the PUBLIC KEY (openssl pkey -pubout) or a CERTIFICATE");
            };
            if (!key.getAlgorithm().equals(keyAlgorithm)) {
                throw new IllegalArgumentException("the PEM key is " + key.getAlgorithm() + ", not " + keyAlgorithm);
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM block is not a valid " + keyAlgorithm + " public key");
        }
    }
}

package org.jdksse.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** URLs in messages: no user info, no credential parameter, the rest as it was. */
class RedactedTest {

    @Test
    void textHidesTheUserInfoAndAuthorizationOfEveryUrlInALine() {
        assertEquals("got http://***@h:80/a?x=1&authorization=***&y=2 and https://h/b?AUTHORIZATION=*** and ftp://***@h",
                Redacted.text("got http://u:p@h:80/a?x=1&authorization=t.o.k&y=2 and https://h/b?AUTHORIZATION=t and ftp://u:p#w@h"));
        // A password may hold '/', '?', '#' or '@' unescaped, and a token an '@'.
        assertEquals("http://***@h/e", Redacted.text("http://u:p/q?r#s@t@h/e"));
        assertEquals("http://h/e?authorization=***", Redacted.text("http://h/e?authorization=a@b"));
        assertEquals("no URL: authorization=t", Redacted.text("no URL: authorization=t"));
    }

    @Test
    void anOAuthAccessTokenInTheQueryIsHiddenToo() {
        assertEquals("HTTP 401 from https://h/e?access_token=***&topic=a", Redacted.text("HTTP 401 from https://h/e?access_token=ya29.x&topic=a"));
    }

    @Test
    void aCredentialParameterIsHiddenHoweverItsNameIsEscaped() {
        // The hub decodes parameter names, so %61uthorization is the token it reads.
        assertEquals("http://h/e?topic=a&%61uthorization=***&access%5Ftoken=***&topic=b",
                Redacted.text("http://h/e?topic=a&%61uthorization=SECRET&access%5Ftoken=SECRET&topic=b"));
        assertEquals("http://h/e?authorization=***", Redacted.text("http://h/e?authorization=ab#cd"));
    }

    @Test
    void theJavadocExampleHolds() {
        assertEquals("HTTP 401 from https://***@h/e?topic=a&authorization=***", Redacted.text("HTTP 401 from https://u:pw@h/e?topic=a&authorization=t"));
    }

    @Test
    void aUriIsRedactedWhateverItsFormAndAUrlWithoutSecretsIsKept() {
        assertEquals("http://127.0.0.1:8080/events?topic=a&topic=b", Redacted.uri(URI.create("http://127.0.0.1:8080/events?topic=a&topic=b")));
        assertEquals("http://***@h:1/e?authorization=***", Redacted.uri(URI.create("http://user:pw@h:1/e?authorization=SECRET")));
        // Ones EventSource refuses, and names in its refusal: relative, opaque, a registry authority.
        assertEquals("//***@h/e?authorization=***", Redacted.uri(URI.create("//u:pw@h/e?authorization=SECRET")));
        assertEquals("/e?authorization=***", Redacted.uri(URI.create("/e?authorization=SECRET")));
        assertEquals("***@h", Redacted.uri(URI.create("user:pw@h")));
        assertEquals("http://***@bad_host/e", Redacted.uri(URI.create("http://u:pw@bad_host/e")));
    }
}

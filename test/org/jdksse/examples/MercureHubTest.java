package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jdksse.testing.JavaProcess;
import org.jdksse.testing.RawClient;
import org.jdksse.testing.WhatwgParser.Event;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** examples/MercureHub.java run as a user runs it: its page's cookie and Link header, public and private updates. */
@Tag("process")
class MercureHubTest {

    private static String topics(String... selectors) {
        StringBuilder query = new StringBuilder("/.well-known/mercure?");
        for (String s : selectors) {
            query.append("topic=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)).append('&');
        }
        return query.toString();
    }

    @Test
    void thePageGivesACookieThatReadsPrivateNotesWhichAnonymousSubscribersNeverGet() throws Exception {
        try (JavaProcess example = JavaProcess.classPath("examples/MercureHub.java", "0")) {
            int port = example.port();
            String cookie;
            try (RawClient page = RawClient.get(port, "/")) {
                assertEquals(200, page.status());
                assertEquals("</.well-known/mercure>; rel=\"mercure\"", page.header("Link"));
                cookie = page.header("Set-Cookie");
                assertTrue(cookie.startsWith("mercureAuthorization=") && cookie.contains("HttpOnly"), cookie);
            }
            String token = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
            String path = topics("https://example.com/clock", "https://example.com/notes/{id}");
            try (RawClient anonymous = RawClient.get(port, path);
                 RawClient reader = RawClient.get(port, path, "Cookie: mercureAuthorization=" + token)) {
                assertEquals(200, anonymous.status());
                Event note;
                do {
                    note = reader.next();
                } while (!note.data().contains("\"notes\""));
                // Both streams deliver in log order: once the anonymous one is past the note, it has had its chance.
                long noteId = Long.parseLong(note.lastEventId());
                for (Event f = anonymous.next(); Long.parseLong(f.lastEventId()) <= noteId; f = anonymous.next()) {
                    assertFalse(f.data().contains("\"notes\""), f.data());
                }
            }
        }
    }
}

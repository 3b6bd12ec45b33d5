package org.jdksse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** examples/MercureHub.java run as a user runs it: its page's cookie and Link header, public and private updates. */
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
        try (ExampleProcess example = ExampleProcess.start("MercureHub").awaitStarted()) {
            String cookie;
            try (SseClient page = SseClient.get(example.port, "/")) {
                assertEquals(200, page.status);
                assertEquals("</.well-known/mercure>; rel=\"mercure\"", page.header("Link"));
                cookie = page.header("Set-Cookie");
                assertTrue(cookie.startsWith("mercureAuthorization=") && cookie.contains("HttpOnly"), cookie);
            }
            String token = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
            String path = topics("https://example.com/clock", "https://example.com/notes/{id}");
            try (SseClient anonymous = SseClient.get(example.port, path);
                 SseClient reader = SseClient.get(example.port, path, "Cookie: mercureAuthorization=" + token)) {
                assertEquals(200, anonymous.status);
                SseClient.Frame note;
                do {
                    note = reader.nextEvent();
                } while (!note.data().contains("\"notes\""));
                // Both streams deliver in log order: once the anonymous one is past the note, it has had its chance.
                long noteId = Long.parseLong(note.id());
                for (SseClient.Frame f = anonymous.nextEvent(); Long.parseLong(f.id()) <= noteId; f = anonymous.nextEvent()) {
                    assertFalse(f.data().contains("\"notes\""), f.data());
                }
            }
        }
    }
}

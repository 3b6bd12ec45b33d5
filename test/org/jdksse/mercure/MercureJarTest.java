package org.jdksse.mercure;

import static org.jdksse.mercure.HubFixture.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdksse.mercure.HubFixture.Event;
import org.jdksse.mercure.HubFixture.Stream;
import org.jdksse.testing.JavaProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar build/jdk-sse.jar --publisher-jwt-key K --subscriber-jwt-key K --anonymous}
 * serves the protocol's own examples (draft-dunglas-mercure-07: Subscription, Publication, and
 * the private update with an alternate topic of the Subscribers section) as they are written.
 */
@Tag("process")
class MercureJarTest {
    private static final Pattern LISTENING = Pattern.compile("jdk-sse hub listening on http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void theJarServesTheSpecsSubscriptionPublicationAndPrivateUpdateExamples() throws Exception {
        try (JavaProcess hub = JavaProcess.jar("--port", "0",
                "--publisher-jwt-key", Tokens.SECRET, "--subscriber-jwt-key", Tokens.SECRET, "--anonymous")) {
            String first = hub.nextLine(JavaProcess.STARTUP);
            Matcher listening = LISTENING.matcher(first == null ? "" : first);
            assertTrue(listening.matches(), "start line: " + first + "; stderr:\n" + hub.stderr());
            HubFixture client = new HubFixture(Integer.parseInt(listening.group(1)));
            String publisher = Tokens.hs256(Tokens.claims("[\"*\"]", "[]"));

            // Subscription: https://example.com/foo, bar, and https://example.com/bar/{id}.
            String query = "topic=" + enc("https://example.com/foo") + "&topic=bar&topic=" + enc("https://example.com/bar/{id}");
            try (Stream subscriber = client.subscribe(query)) {
                assertEquals(200, subscriber.status());
                // Publication: the body, byte for byte, and the answer: 200, text/plain, the id.
                HttpResponse<String> answer = client.publish(publisher, "topic=https://example.com/foo&data=the%20content");
                assertEquals(200, answer.statusCode());
                assertTrue(answer.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
                assertEquals(new Event("message", answer.body(), "the content", null), subscriber.next());
                String templated = client.published(publisher, "topic", "https://example.com/bar/42", "data", "x");
                assertEquals(templated, subscriber.next().id());
            }

            // Subscribers: a private update with an alternate topic that the token's template matches.
            String books = "topic=" + enc("https://example.com/books/{id}");
            String claim = Tokens.hs256(Tokens.claims("[]", "[\"https://example.com/users/foo/{?topic}\"]"));
            try (Stream anonymous = client.subscribe(books);
                 Stream allowed = client.subscribe(books, "Authorization", "Bearer " + claim)) {
                String body = "topic=https://example.com/books/1&topic=https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&private=on";
                HttpResponse<String> answer = client.publish(publisher, body);
                assertEquals(200, answer.statusCode());
                String marker = client.published(publisher, "topic", "https://example.com/books/2", "data", "public");
                assertEquals(answer.body(), allowed.next().id());
                assertEquals(marker, anonymous.next().id());
            }
            for (String bad : List.of("", "Bearer nope")) {
                HttpResponse<String> refused = client.publish(bad.isEmpty() ? null : "nope", "topic=a&data=x");
                assertEquals(401, refused.statusCode());
            }
        }
    }
}

package org.jdksse.mercure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicSelectorTest {

    private static void matches(String selector, String... topics) {
        for (String topic : topics) {
            assertTrue(TopicSelector.of(selector).matches(topic), selector + " should match " + topic);
        }
    }

    private static void rejects(String selector, String... topics) {
        for (String topic : topics) {
            assertFalse(TopicSelector.of(selector).matches(topic), selector + " should not match " + topic);
        }
    }

    @Test
    void anExactSelectorMatchesItsOwnTextOnly() {
        matches("https://example.com/foo", "https://example.com/foo");
        rejects("https://example.com/foo", "https://example.com/foo/", "https://example.com/fo", "https://EXAMPLE.com/foo", "");
        assertTrue(TopicSelector.of("bar").isExact());
    }

    @Test
    void theStarMatchesEveryTopic() {
        matches("*", "a", "https://example.com/books/1", "{x}");
        assertTrue(TopicSelector.of("*").isAny());
    }

    @Test
    void aSimpleVariableMatchesOneSegmentAndNoMore() {
        String books = "https://example.com/books/{id}";
        matches(books, "https://example.com/books/1", "https://example.com/books/the-hobbit_2~x.y",
                "https://example.com/books/caf%C3%A9", "https://example.com/books/", books);
        rejects(books, "https://example.com/books/1/reviews", "https://example.com/books/1?x=y",
                "https://example.com/book/1", "https://example.com/books/a b", "https://example.com/books/%ZZ",
                "xhttps://example.com/books/1");
    }

    @Test
    void literalPartsAreNotRegularExpressions() {
        rejects("https://example.com/books/{id}", "https:??example.com/books/1", "httpsX//exampleXcom/books/1");
        matches("a.b+c(d)*[e]$^|\\{x}", "a.b+c(d)*[e]$^|\\7");
        rejects("a.b+c(d)*[e]$^|\\{x}", "aXb+c(d)*[e]$^|\\7", "a.bbc(d)*[e]$^|\\7");
    }

    @Test
    void aReservedExpansionMatchesSlashesAndQueries() {
        matches("https://example.com/{+path}", "https://example.com/a/b/c", "https://example.com/a?b=c#d", "https://example.com/");
        rejects("https://example.com/{+path}", "https://example.com/a b", "http://example.com/a");
        matches("https://example.com/{+path}/end", "https://example.com/a/b/end");
    }

    @Test
    void aPathSegmentExpansionMatchesZeroOrMoreSegments() {
        matches("https://example.com/books{/id}", "https://example.com/books", "https://example.com/books/1",
                "https://example.com/books/1/2", "https://example.com/books/1,2");
        rejects("https://example.com/books{/id}", "https://example.com/books1", "https://example.com/books/a?b");
        matches("https://example.com/{a}{/b,c}", "https://example.com/x/y/z");
    }

    @Test
    void queryExpansionsMatchTheirNamedParameters() {
        String claim = "https://example.com/users/foo/{?topic}";
        // Encoded as an expansion gives it, and decoded as the protocol's own example publishes it.
        matches(claim, "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1",
                "https://example.com/users/foo/?topic=https://example.com/books/1", "https://example.com/users/foo/");
        rejects(claim, "https://example.com/users/bar/?topic=x", "https://example.com/users/foo/?other=x",
                "https://example.com/users/foo/?topic=a&other=b", "https://example.com/users/foo/?topic=a#b",
                "https://example.com/users/foo/?topic=a b");
        matches("/s{?a,b}", "/s?a=1&b=2", "/s?b=2");
        matches("/s?x=1{&a}", "/s?x=1&a=2", "/s?x=1");
        matches("/s{;a}", "/s;a=1", "/s;a");
        matches("/s{.ext}", "/s.json", "/s");
        matches("/s{#frag}", "/s#a/b", "/s");
    }

    @Test
    void aTextThatIsNotAValidTemplateMatchesOnlyItself() {
        for (String broken : List.of("https://example.com/{id", "https://example.com/id}", "/{}", "/{a b}", "/{{a}}", "/{=a}")) {
            assertTrue(TopicSelector.of(broken).isExact(), broken);
            matches(broken, broken);
            rejects(broken, "https://example.com/1", "/x");
        }
    }

    @Test
    void aTemplateMatchesItselfAsASelectorComparedWithASelector() {
        matches("https://example.com/books/{id}", "https://example.com/books/{id}");
        rejects("https://example.com/books/{id}", "https://example.com/books/{isbn}");
    }

    @Test
    void aTemplateBuiltToBacktrackGivesUpInsteadOfStallingTheFanOut() {
        String selector = "/{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}!";
        String topic = "/" + "a".repeat(200);
        rejects(selector, topic);
        matches("/{.a}{.b}", "/.x.y");
        rejects("/{.a}", "/" + ".".repeat(200) + "!");
        rejects("/{?a}", "/?a=" + ",".repeat(200) + "#");
        rejects("/{;a}", "/" + ";a=".repeat(60) + "!");
    }

    @Test
    void oneQuestionSpendsOneBudgetHoweverManySelectorsAsk() {
        String topic = "https://example.com/books/1234567890";
        TopicSelector.Budget one = new TopicSelector.Budget();
        assertFalse(TopicSelector.anyMatches(List.of(TopicSelector.of("{+a}{+b}{+c}{+d}{+e}{+f}{+g}{+h}{+i}{+j}!0")),
                List.of(topic), one));
        assertTrue(one.reads() > TopicSelector.Budget.LIMIT / 2, "one such selector spends most of a budget: " + one.reads());
        // A subscriber's 64 of them, asked about every update, spend no more than that one.
        List<TopicSelector> sixtyFour = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            sixtyFour.add(TopicSelector.of("{+a}{+b}{+c}{+d}{+e}{+f}{+g}{+h}{+i}{+j}!" + i));
        }
        TopicSelector.Budget all = new TopicSelector.Budget();
        assertFalse(TopicSelector.anyMatches(sixtyFour, List.of(topic, topic + "/reviews"), all));
        assertTrue(all.reads() <= TopicSelector.Budget.LIMIT + 128, "reads for 64 selectors and 2 topics: " + all.reads());
        // Exact selectors and * still answer once it is spent.
        sixtyFour.add(TopicSelector.of(topic));
        assertTrue(TopicSelector.anyMatches(sixtyFour, List.of(topic)));
    }

    @Test
    void anyMatchesTellsWhetherOneSelectorMatchesOneTopic() {
        List<TopicSelector> claims = TopicSelector.all(List.of("https://example.com/users/1/{?topic}", "news"));
        assertTrue(TopicSelector.anyMatches(claims, List.of("https://example.com/books/1", "news")));
        assertFalse(TopicSelector.anyMatches(claims, List.of("https://example.com/books/1")));
        assertFalse(TopicSelector.anyMatches(List.of(), List.of("news")));
    }
}

package org.jdksse.mercure;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * An expression that matches topics, as Mercure defines it: the reserved {@code *} matches every
 * topic; any selector matches the topic spelled exactly as itself (so that a URI template in a
 * token's claims also authorizes subscribing with that same template); a selector that is an
 * RFC 6570 URI template also matches every topic that is one of its expansions.
 *
 * <p>Immutable and safe for use by several threads. The template is compiled once, in
 * {@link #of}; matching runs a regular expression over a budget of reads, since templates with
 * several expressions side by side backtrack polynomially.
 *
 * <pre>{@code
 * TopicSelector books = TopicSelector.of("https://example.com/books/{id}");
 * books.matches("https://example.com/books/1");          // true
 * books.matches("https://example.com/books/1/reviews");  // false: {id} stops at /
 * }</pre>
 */
public final class TopicSelector {
    /** The selector of every topic. */
    public static final String ANY = "*";

    private final String text;
    /** The template's pattern, or null for an exact selector (and for {@code *}). */
    private final Pattern template;

    private TopicSelector(String text, Pattern template) {
        this.text = text;
        this.template = template;
    }

    /**
     * Returns the selector for this text: {@code *}, a URI template, or any other string (which
     * matches only itself).
     *
     * @param selector the selector's text
     * @return the selector
     * @throws NullPointerException if {@code selector} is null
     */
    public static TopicSelector of(String selector) {
        Objects.requireNonNull(selector, "selector");
        return new TopicSelector(selector, selector.equals(ANY) ? null : UriTemplate.compile(selector));
    }

    /**
     * Returns the selectors for these texts, in order.
     *
     * @param selectors the texts
     * @return the selectors
     */
    public static List<TopicSelector> all(Collection<String> selectors) {
        return selectors.stream().map(TopicSelector::of).toList();
    }

    /**
     * Says whether any of these selectors matches any of these topics. The templates' matching
     * shares one budget of reads for the whole question (see {@link #matches}): a subscriber
     * may give 64 selectors, and the fan-out asks them about every update. Once it is spent, the
     * templates left answer no: costly selectors cost their own subscriber matches, and the hub
     * one budget per update at most.
     *
     * @param selectors the selectors
     * @param topics    the topics
     * @return {@code true} if one selector matches one topic
     */
    public static boolean anyMatches(Collection<TopicSelector> selectors, Collection<String> topics) {
        return anyMatches(selectors, topics, new Budget());
    }

    static boolean anyMatches(Collection<TopicSelector> selectors, Collection<String> topics, Budget budget) {
        for (TopicSelector selector : selectors) {
            for (String topic : topics) {
                if (selector.matches(topic, budget)) {
                    return true;
                }
            }
        }
        if (budget.reads > Budget.LIMIT) {
            spent(topics);
        }
        return false;
    }

    /** Says so in the log, at most once a minute: a spent budget may have cost a subscriber a match. */
    private static void spent(Collection<String> topics) {
        SPENT.increment();
        long now = System.nanoTime();
        long last = LAST_SPENT_LINE.get();
        if (now - last >= SPENT_LINE_INTERVAL && LAST_SPENT_LINE.compareAndSet(last, now)) {
            System.getLogger("org.jdksse.mercure").log(System.Logger.Level.WARNING, "{0} update(s) since the last such line "
                    + "(at most one a minute) ran out of a subscriber''s budget of " + Budget.LIMIT + " reads for matching "
                    + "its URI templates, and did not match them; the latest had the topics {1}",
                    SPENT.sumThenReset(), Json.quote(String.join(" ", topics)));
        }
    }

    private static final long SPENT_LINE_INTERVAL = TimeUnit.MINUTES.toNanos(1);
    private static final LongAdder SPENT = new LongAdder();
    private static final AtomicLong LAST_SPENT_LINE = new AtomicLong(System.nanoTime() - SPENT_LINE_INTERVAL);

    /**
     * Says whether this selector matches the topic. A template whose matching would read the
     * topic's characters more than 100,000 times in all does not match it.
     *
     * @param topic the topic
     * @return {@code true} for {@code *}, the selector's own text, or an expansion of its template
     */
    public boolean matches(String topic) {
        return matches(topic, new Budget());
    }

    private boolean matches(String topic, Budget budget) {
        if (isAny() || text.equals(topic)) {
            return true;
        }
        if (template == null) {
            return false;
        }
        try {
            return template.matcher(budget.over(topic)).matches();
        } catch (Budget.Exhausted e) {
            return false;
        }
    }

    /**
     * The topic as the regex engine reads it, counting the reads: templates with several
     * expressions side by side ({@code {a}{b}{c}}) backtrack polynomially, and a subscriber's
     * selectors must not stall the fan-out that asks them about every update. A match that needs
     * more than {@link #LIMIT} reads, counted over every topic it is moved {@link #over}, is no
     * match. For one thread at a time.
     */
    static final class Budget implements CharSequence {
        static final int LIMIT = 100_000;
        private String text = "";
        private int reads;

        /** Reads this topic from now on, with what is left of the budget. */
        Budget over(String topic) {
            this.text = topic;
            return this;
        }

        /** Returns the reads spent so far. */
        int reads() {
            return reads;
        }

        static final class Exhausted extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Exhausted() {
                super("match budget exhausted", null, false, false);
            }
        }

        @Override
        public char charAt(int index) {
            if (++reads > LIMIT) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Says whether this is {@code *}.
     *
     * @return {@code true} for the selector of every topic
     */
    public boolean isAny() {
        return text.equals(ANY);
    }

    /**
     * Says whether this selector matches only its own text (no {@code *}, no template): a
     * subscriber's exact selectors are looked up by topic instead of asked for every update.
     *
     * @return {@code true} for an exact selector
     */
    public boolean isExact() {
        return !isAny() && template == null;
    }

    /**
     * Returns the selector's text.
     *
     * @return the text given to {@link #of}
     */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicSelector that && that.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}

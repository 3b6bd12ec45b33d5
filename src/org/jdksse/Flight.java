package org.jdksse;

import java.util.Collection;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The broadcaster's JDK Flight Recorder events: a publish, the fan-out of one entry, a subscriber
 * dropped. They are off even in a running recording until it names them, for example
 * {@code java -XX:StartFlightRecording:+org.jdksse.FanOut#enabled=true,filename=hub.jfr -jar jdk-sse.jar}
 * then {@code jfr print --events org.jdksse.FanOut hub.jfr}. Until a recording enables one, JFR
 * leaves its class uninstrumented and its calls are empty methods the JIT removes: they cost
 * nothing per publish, and nothing is ever recorded per delivery.
 */
final class Flight {
    private Flight() {
    }

    /** One {@code publish}: the log's append, and with the in-memory log the fan-out inside it. */
    @Name("org.jdksse.Publish")
    @Label("SSE Publish")
    @Category("jdk-sse")
    @Description("An update appended to the broadcaster's event log")
    @Enabled(false)
    @StackTrace(false)
    static final class Publish extends Event {
        @Label("Id")
        String id;

        @Label("Topics")
        String topics;

        @Label("Private")
        boolean privateUpdate;
    }

    /** The fan-out of one entry the log's tail handed over: matching, and an offer to each subscriber. */
    @Name("org.jdksse.FanOut")
    @Label("SSE Fan-out")
    @Category("jdk-sse")
    @Description("One log entry offered to the subscribers it matches")
    @Enabled(false)
    @StackTrace(false)
    static final class FanOut extends Event {
        @Label("Id")
        String id;

        @Label("Topics")
        String topics;

        @Label("Subscribers")
        @Description("How many subscribers the entry was offered to")
        int subscribers;

        @Label("Frame Size")
        @DataAmount
        int frameBytes;
    }

    /** A subscriber that left for a reason other than closing its connection. */
    @Name("org.jdksse.Drop")
    @Label("SSE Subscriber Dropped")
    @Category("jdk-sse")
    @Description("A subscriber dropped as slow, stalled, pruned after a failed heartbeat, or after a failed write")
    @Enabled(false)
    @StackTrace(false)
    static final class Drop extends Event {
        @Label("Subscriber")
        long subscriber;

        @Label("Reason")
        String reason;

        @Label("Topics")
        String topics;
    }

    /** Appends to the log, as a {@link Publish} event when a recording asks for one. */
    static String append(EventLog log, Update update) {
        Publish event = new Publish();
        event.begin();
        String id = log.append(update);
        if (event.shouldCommit()) {
            event.id = id;
            event.topics = topics(update.topics());
            event.privateUpdate = update.isPrivate();
            event.commit();
        }
        return id;
    }

    /** Records a {@link Drop} event when a recording asks for one. */
    static void dropped(Subscription sub, Departure reason) {
        Drop event = new Drop();
        if (event.shouldCommit()) {
            event.subscriber = sub.id();
            event.reason = reason.label;
            event.topics = topics(sub.topics());
            event.commit();
        }
    }

    /** The topics as one field: JFR has no list type. */
    static String topics(Collection<String> topics) {
        return String.join(" ", topics);
    }
}

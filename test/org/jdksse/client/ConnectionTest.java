package org.jdksse.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rules of one attempt that need no server; EventSourceTest drives attempts against real ones. */
class ConnectionTest {

    @Test
    void contentTypeMatchesWithParametersAndAnyCase() {
        assertTrue(Connection.isEventStream("text/event-stream"));
        assertTrue(Connection.isEventStream("Text/Event-Stream ; charset=utf-8"));
        assertFalse(Connection.isEventStream("text/plain; x=text/event-stream"));
    }

    @Test
    void lastEventIdIsSentOnlyWhenTheHeaderCanCarryItAsItIs() {
        assertTrue(Connection.canSend("1795244182530297"));
        assertTrue(Connection.canSend("a b\t~"));
        assertFalse(Connection.canSend("é"), "HttpClient would send ?");
        assertFalse(Connection.canSend("a\u007fb"));
        assertFalse(Connection.canSend("a\u0001b"));
    }
}

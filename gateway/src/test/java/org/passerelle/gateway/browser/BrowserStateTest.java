package org.passerelle.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.passerelle.gateway.browser.BrowserState.CLOSED;
import static org.passerelle.gateway.browser.BrowserState.CONNECTED;
import static org.passerelle.gateway.browser.BrowserState.IN_ROOM;
import static org.passerelle.gateway.browser.BrowserState.JOINING;

import org.junit.jupiter.api.Test;
import org.passerelle.gateway.browser.BrowserState.Event;

class BrowserStateTest {
    /** Every state × event: the next state, or null where the event is illegal. */
    @Test
    void transitionTable() {
        Object[][] table = {
                {CONNECTED, Event.JOIN, JOINING},
                {CONNECTED, Event.MEDIA_UP, null},
                {CONNECTED, Event.CLOSE, CLOSED},
                {JOINING, Event.JOIN, null},
                {JOINING, Event.MEDIA_UP, IN_ROOM},
                {JOINING, Event.CLOSE, CLOSED},
                {IN_ROOM, Event.JOIN, null},
                {IN_ROOM, Event.MEDIA_UP, null},
                {IN_ROOM, Event.CLOSE, CLOSED},
                {CLOSED, Event.JOIN, null},
                {CLOSED, Event.MEDIA_UP, null},
                {CLOSED, Event.CLOSE, null},
        };
        assertEquals(BrowserState.values().length * Event.values().length, table.length);
        for (Object[] row : table) {
            assertEquals(row[2], ((BrowserState) row[0]).on((Event) row[1]), row[0] + " + " + row[1]);
        }
    }
}

package org.passerelle.gateway.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.passerelle.dialplan.DialPlan;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.gateway.room.RoomLimits;
import org.passerelle.gateway.room.RoomRegistry;
import org.slf4j.LoggerFactory;

/** The start-up call warm-up runs the call path through a room and leaves nothing behind, not even log lines. */
class CallWarmUpTest {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger warmUpLog = (Logger) LoggerFactory.getLogger(CallWarmUp.class);
    private Level warmUpLevel;

    @BeforeEach
    void listen() {
        logged.start();
        root.addAppender(logged);
        warmUpLevel = warmUpLog.getLevel();
        warmUpLog.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logged);
        warmUpLog.setLevel(warmUpLevel);
    }

    @Test
    void everyWarmUpCallIsAnsweredJoinsItsRoomAndEndsLeavingNoCallNoRoom() {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        RoomRegistry rooms = new RoomRegistry(r -> opened.incrementAndGet(), r -> closed.incrementAndGet());
        CallRegistry calls = new CallRegistry(DialPlan.builtIn(), rooms);

        assertEquals(2 * CallWarmUp.ROUNDS, CallWarmUp.callThroughRoom(calls, rooms));

        assertEquals(CallWarmUp.ROUNDS, opened.get(), "the first leg of each round opens the room");
        assertEquals(CallWarmUp.ROUNDS, closed.get(), "and the last one to hang up closes it");
        assertEquals(0, calls.size(), "no call left");
        assertTrue(rooms.names().isEmpty(), "no room left: " + rooms.names());
    }

    @Test
    void theConfiguredDialPlanDecidesForEachSampleRequest() {
        assertEquals(2 * CallWarmUp.ROUNDS, CallWarmUp.route(Telephony.defaults(), null));
    }

    @Test
    void aWholeRunLogsOneDebugLineAndNothingOfItsCalls() {
        CallWarmUp.Result r = CallWarmUp.run(Telephony.defaults(), null, RoomLimits.defaults());

        assertEquals(new CallWarmUp.Result(2 * CallWarmUp.ROUNDS, 2 * CallWarmUp.ROUNDS), r);
        List<String> lines = logged.list.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + ": "
                + e.getFormattedMessage()).toList();
        assertEquals(1, lines.size(), "only the warm-up's own line: " + lines);
        assertTrue(lines.get(0).startsWith("DEBUG " + CallWarmUp.class.getName() + ": call warm-up: "), lines.get(0));
    }

    @Test
    void limitsThatRefuseTheSecondLegStillLeaveNothing() {
        // One participant per room: every second leg gets 486, its first leg still goes through and ends.
        RoomRegistry rooms = new RoomRegistry(r -> { }, r -> { }, new RoomLimits(1, 1));
        CallRegistry calls = new CallRegistry(DialPlan.builtIn(), rooms);

        assertEquals(0, CallWarmUp.callThroughRoom(calls, rooms), "no round had both legs in the room");
        assertEquals(0, calls.size());
        assertTrue(rooms.names().isEmpty(), "no room left: " + rooms.names());
    }

    @Test
    void aFailureIsLoggedAndNeverThrown() {
        CallWarmUp.Result r = CallWarmUp.run(null, null, RoomLimits.defaults());

        assertEquals(new CallWarmUp.Result(0, 0), r);
        assertTrue(logged.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().startsWith("call warm-up stopped after 0 requests routed, 0 calls: "
                + "java.lang.NullPointerException")), "the failure is said: " + logged.list);
    }
}

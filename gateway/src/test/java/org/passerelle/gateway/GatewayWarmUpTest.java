package org.passerelle.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.call.CallWarmUp;
import org.passerelle.gateway.room.RoomLimits;
import org.slf4j.LoggerFactory;

/** The warm-up runs inside start(): the gateway comes up with no room, no call and no line of it, even when it cannot complete. */
class GatewayWarmUpTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWarmUpThatCannotCompleteLeavesNoTraceAndTheGatewayStarts() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logged);
        // One participant per room: the second leg of every warm-up round is refused (486).
        GatewaySettings settings = GatewaySettings.defaults().withBind("127.0.0.1", freePort(), 0)
                .withRtpPorts(42200, 42300).withWebRtcPorts(43200, 43300).withRoomLimits(new RoomLimits(1, 1));
        try (Gateway g = Gateway.start(settings)) {
            assertTrue(g.roomNames().isEmpty(), "no room: " + g.roomNames());
            assertEquals(0, g.activeCalls());
        } finally {
            root.detachAppender(logged);
        }
        List<String> fromWarmUpCalls = logged.list.stream()
                .filter(e -> e.getMDCPropertyMap().containsKey(CallWarmUp.MDC_KEY)
                        || String.valueOf(e.getMDCPropertyMap().get("call")).startsWith("warm-up-")
                        || e.getFormattedMessage().contains(CallWarmUp.ROOM))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of(), fromWarmUpCalls);
        assertTrue(logged.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Passerelle ready")));
    }
}

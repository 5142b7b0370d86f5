package org.passerelle.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class IceHarvestWarningFilterTest {
    /** What reaches the root's appenders under the gateway's own logback.xml, in a private context. */
    private static List<String> logged(Consumer<LoggerContext> logging) throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(IceHarvestWarningFilterTest.class.getResource("/logback.xml"));
        ListAppender<ILoggingEvent> list = new ListAppender<>();
        list.setContext(context);
        list.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(list);
        try {
            logging.accept(context);
        } finally {
            context.stop();
        }
        return list.list.stream().map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    @Test
    void iceHarvestWarningsOfEverySessionAreDroppedOtherIceWarningsKept() throws Exception {
        List<String> out = logged(context -> {
            Logger agent = context.getLogger("org.ice4j.ice.Agent");
            agent.warn("No host harvesters available!");
            agent.warn("Failed to gather any host candidates!");
            agent.warn("ICE state changed to Failed");
            context.getLogger("org.passerelle.webrtc.PeerConnection").warn("No host harvesters available!");
        });
        assertEquals(List.of("org.ice4j.ice.Agent: ICE state changed to Failed",
                "org.passerelle.webrtc.PeerConnection: No host harvesters available!"), out);
    }
}

package org.passerelle.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes JAIN-SIP's message trace (gov.nist.javax.sip.SERVER_LOGGER) to SLF4J: every SIP message
 * in and out at TRACE on logger "org.passerelle.sip.messages", with digest responses and DTMF
 * INFO bodies masked ({@link TraceRedaction}).
 */
public final class Slf4jServerLogger implements ServerLogger {
    private static final Logger LOG = LoggerFactory.getLogger("org.passerelle.sip.messages");

    @Override public void closeLogFile() {}

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to,
                    TraceRedaction.redact(message.toString()));
        }
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        logMessage(message, from, to, sender, time);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        logMessage(message, from, to, sender, 0);
    }

    @Override public void logException(Exception e) { LOG.debug("JAIN-SIP message exception", e); }
    @Override public void setStackProperties(Properties p) {}
    @Override public void setSipStack(SipStack s) {}
}

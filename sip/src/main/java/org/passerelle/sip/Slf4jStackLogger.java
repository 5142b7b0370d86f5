package org.passerelle.sip;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes JAIN-SIP's own logging (gov.nist.javax.sip.STACK_LOGGER) to SLF4J. */
public final class Slf4jStackLogger implements StackLogger {
    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");
    /** The stack asks this level before handing messages to the ServerLogger. */
    private static final Logger MESSAGES = LoggerFactory.getLogger("org.passerelle.sip.messages");

    @Override public void logStackTrace() { if (LOG.isTraceEnabled()) LOG.trace("stack", new Throwable()); }
    @Override public void logStackTrace(int level) { logStackTrace(); }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable t) { LOG.warn("JAIN-SIP exception", t); }
    @Override public void logDebug(String m) { LOG.debug(m); }
    @Override public void logDebug(String m, Exception e) { LOG.debug(m, e); }
    @Override public void logTrace(String m) { LOG.trace(m); }
    @Override public void logFatalError(String m) { LOG.error(m); }
    @Override public void logError(String m) { LOG.error(m); }
    @Override public boolean isLoggingEnabled() { return LOG.isInfoEnabled(); }

    @Override
    public boolean isLoggingEnabled(int level) {
        return switch (level) {
            case TRACE_FATAL, TRACE_ERROR -> LOG.isErrorEnabled();
            case TRACE_WARN -> LOG.isWarnEnabled();
            // TRACE_MESSAGES is the same number as TRACE_INFO: the stack asks it before handing
            // each SIP message to the ServerLogger.
            case TRACE_INFO -> LOG.isInfoEnabled() || MESSAGES.isTraceEnabled();
            case TRACE_DEBUG -> LOG.isDebugEnabled();
            case TRACE_TRACE -> LOG.isTraceEnabled();
            default -> LOG.isTraceEnabled();
        };
    }

    @Override public void logError(String m, Exception e) { LOG.error(m, e); }
    @Override
    public void logWarning(String m) {
        // The stack always sets up its TLS layer and warns that no key store is configured; TLS
        // is not offered yet, so that is expected and would only alarm admins at every start.
        if (m != null && (m.startsWith("TLS ") || m.startsWith("Using default") || m.contains("tls security policy"))) {
            LOG.debug(m);
        } else {
            LOG.warn(m);
        }
    }
    @Override public void logInfo(String m) { LOG.info(m); }
    @Override public void disableLogging() {}
    @Override public void enableLogging() {}
    @Override public void setBuildTimeStamp(String s) {}
    @Override public void setStackProperties(Properties p) {}
    @Override public String getLoggerName() { return LOG.getName(); }
}

package org.passerelle.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the two warnings ice4j logs for every WebRTC session, "No host harvesters available!"
 * and "Failed to gather any host candidates!": Passerelle turns ice4j's harvesters off on purpose
 * and binds its own host candidates (webrtc's IceTransport), so these would send an admin looking
 * for a fault that is not there, twice per browser or LiveKit call. Every other ice4j warning
 * still comes through. Installed by logback.xml.
 */
public final class IceHarvestWarningFilter extends TurboFilter {
    private static final String AGENT = "org.ice4j.ice.Agent";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null || !logger.getName().equals(AGENT)) return FilterReply.NEUTRAL;
        return format.contains("No host harvesters available") || format.contains("Failed to gather any host candidates")
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}

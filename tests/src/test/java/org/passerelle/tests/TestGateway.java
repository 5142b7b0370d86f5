package org.passerelle.tests;

import java.time.Duration;
import org.passerelle.gateway.Gateway;
import org.passerelle.gateway.GatewaySettings;
import org.passerelle.gateway.config.GatewayConfig;

/** A gateway started in-process on free ports of 127.0.0.1, with the embedded (default) rooms. */
public final class TestGateway implements AutoCloseable {
    private final Gateway gateway;
    private final int sipPort;

    private TestGateway(Gateway gateway, int sipPort) {
        this.gateway = gateway;
        this.sipPort = sipPort;
    }

    public static TestGateway start() throws Exception {
        return start(GatewaySettings.defaults());
    }

    /**
     * Starts with a YAML config file's content (trunks, pins, dialplan, ivr...), on 127.0.0.1 with
     * free ports whatever the YAML says about ports.
     */
    public static TestGateway start(String yaml) throws Exception {
        return start(GatewaySettings.from(GatewayConfig.parse("test config", yaml)));
    }

    /** Starts with the config file {@code file}, as {@code --config} would (then reload it). */
    public static TestGateway start(java.nio.file.Path file) throws Exception {
        return start(GatewaySettings.from(GatewayConfig.load(file)));
    }

    /** Starts with the given settings, but always on 127.0.0.1 with free SIP, HTTP and RTP ports. */
    public static TestGateway start(GatewaySettings base) throws Exception {
        int sip = FreePorts.udpAndTcp();
        int http = FreePorts.udpAndTcp();
        int[] rtp = FreePorts.gatewayRtpRange(400);
        GatewaySettings settings = base.withBind("127.0.0.1", sip, http).withRtpPorts(rtp[0], rtp[1]);
        return new TestGateway(Gateway.start(settings), sip);
    }

    public Gateway gateway() {
        return gateway;
    }

    public int sipPort() {
        return sipPort;
    }

    /** What a phone dials to join {@code room}. */
    public String roomUri(String room) {
        return "sip:" + room + "@127.0.0.1:" + sipPort;
    }

    /** What a phone dials to reach {@code user} (a number or a room) at the gateway. */
    public String uri(String user) {
        return "sip:" + user + "@127.0.0.1:" + sipPort;
    }

    /** The room page a browser opens to join {@code room}. */
    public String roomPageUrl(String room) {
        return "http://127.0.0.1:" + gateway.httpPort() + "/rooms/" + room;
    }

    /** The signalling WebSocket (docs/signalling.md). */
    public java.net.URI signallingUri() {
        return java.net.URI.create("ws://127.0.0.1:" + gateway.httpPort() + "/ws");
    }

    public void awaitParticipants(String room, int count, Duration timeout) {
        Await.until(() -> gateway.participantCount(room) == count, timeout,
                () -> "room '" + room + "' should have " + count + " participants, has "
                        + gateway.participantCount(room) + " (rooms " + gateway.roomNames()
                        + ", active calls " + gateway.activeCalls() + ")");
    }

    public void awaitActiveCalls(int count, Duration timeout) {
        Await.until(() -> gateway.activeCalls() == count, timeout,
                () -> "active calls should be " + count + ", are " + gateway.activeCalls());
    }

    @Override
    public void close() {
        gateway.close();
    }
}

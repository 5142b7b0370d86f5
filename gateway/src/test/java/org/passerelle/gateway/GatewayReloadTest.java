package org.passerelle.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.dialplan.CallFacts;
import org.passerelle.dialplan.Decision;
import org.passerelle.gateway.config.Telephony;

/** A running gateway takes a good new config file and refuses a broken one, keeping the old. */
class GatewayReloadTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Decision route(Gateway g, String to) {
        return g.telephony().dialPlan().route(new CallFacts(to, "1000", null, "127.0.0.1", null));
    }

    @Test
    void goodFileIsAppliedBrokenFileIsRefused() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                dialplan:
                  rules:
                    - name: one
                      match: {to: "+33100000001"}
                      join: first
                """);
        int sip = freePort();
        GatewaySettings settings = GatewaySettings.defaults().withBind("127.0.0.1", sip, 0).withRtpPorts(42000, 42100)
                .withWebRtcPorts(43000, 43100);
        try (Gateway g = Gateway.start(settings)) {
            assertSame(Telephony.defaults(), g.telephony());
            assertTrue(g.reload(file));
            assertEquals(new Decision.JoinRoom("first"), route(g, "+33100000001"));

            Files.writeString(file, """
                    dialplan:
                      rules:
                        - name: one
                          match: {to: "+33100000001"}
                          join: "not valid"
                    """);
            assertFalse(g.reload(file));
            assertEquals(new Decision.JoinRoom("first"), route(g, "+33100000001"), "the old plan stays");

            Files.writeString(file, """
                    dialplan:
                      rules:
                        - name: one
                          match: {to: "+33100000001"}
                          join: second
                    """);
            assertTrue(g.reload(file));
            assertEquals(new Decision.JoinRoom("second"), route(g, "+33100000001"));
        }
    }

    @Test
    void aChangedFileIsReloadedByItself() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "dialplan:\n  rules:\n    - {name: a, join: alpha}\n");
        int sip = freePort();
        GatewaySettings settings = GatewaySettings.defaults().withBind("127.0.0.1", sip, 0).withRtpPorts(42200, 42300)
                .withWebRtcPorts(43200, 43300);
        try (Gateway g = Gateway.start(settings)) {
            g.watchConfig(file);
            Files.writeString(file, "dialplan:\n  rules:\n    - {name: a, join: beta}\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!new Decision.JoinRoom("beta").equals(route(g, "x")) && System.nanoTime() < deadline) {
                // Waiting on the OS's file notification, not on time: poll, bounded by the deadline.
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
            assertEquals(new Decision.JoinRoom("beta"), route(g, "x"));
        }
    }
}

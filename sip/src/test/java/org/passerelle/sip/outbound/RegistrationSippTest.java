package org.passerelle.sip.outbound;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.SipConfig;
import org.passerelle.sip.SipServer;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.OutboundTrunk;

/** REGISTER against SIPp acting as a registrar: digest, refresh, un-REGISTER, and back-off on 403. */
class RegistrationSippTest {
    @TempDir
    Path dir;

    private static SipServer server(SippUas sipp) throws Exception {
        OutboundTrunk trunk = new OutboundTrunk("provider", sipp.hostPort(), "udp",
                new Credentials("alice", "s3cret", "passerelle.test"), true, Duration.ofSeconds(60), null, List.of(),
                "e164");
        int rtpBase = 45000 + (int) (Math.random() * 2000) & ~1;
        return new SipServer(SipConfig.defaults().withBind("127.0.0.1", SippUas.freePort())
                .withRtpPorts(rtpBase, rtpBase + 9).withTrunks(List.of(), List.of(trunk), true), leg -> leg.reject(404, null));
    }

    @Test
    void registersWithDigestRefreshesBeforeExpiryAndUnregistersOnClose() throws Exception {
        assumeTrue(SippUas.available(), "sipp not installed");
        try (SippUas sipp = new SippUas(dir, "registrar.xml", false)) {
            SipServer server = server(sipp);
            try {
                server.start();
                RegistrationStatus first = await(server, s -> s.state() == RegistrationState.REGISTERED, sipp);
                // The Contact's expires=2 wins over the Expires: 3600 header (RFC 3261 §10.2.4).
                assertTrue(first.registeredUntil().isBefore(Instant.now().plusSeconds(10)), first::toString);
                assertEquals(200, first.lastCode());
                RegistrationStatus refreshed = await(server, s -> s.state() == RegistrationState.REGISTERED
                        && s.registeredUntil().isAfter(first.registeredUntil()), sipp);
                assertEquals(0, refreshed.failures());
            } finally {
                server.close();
            }
            // The scenario ends with our Expires: 0, and SIPp verified both digests.
            assertEquals(0, sipp.awaitExit(15), sipp::transcript);
            String msgs = sipp.messages();
            assertEquals(5, msgs.split("REGISTER sip:127\\.0\\.0\\.1:" + sipp.port, -1).length - 1, msgs);
            assertTrue(msgs.contains("Authorization: Digest username=\"alice\""), msgs);
            assertFalse(msgs.contains("s3cret"));
        }
    }

    @Test
    void refusedRegistrationBacksOff() throws Exception {
        assumeTrue(SippUas.available(), "sipp not installed");
        try (SippUas sipp = new SippUas(dir, "registrar-403.xml", false)) {
            SipServer server = server(sipp);
            try {
                server.start();
                Instant before = Instant.now();
                RegistrationStatus s = await(server, st -> st.state() == RegistrationState.BACKOFF, sipp);
                assertEquals(403, s.lastCode());
                assertEquals("Forbidden", s.lastReason());
                assertEquals(1, s.failures());
                assertNull(s.registeredUntil());
                // 30 s minus at most 20 % jitter.
                assertTrue(!s.retryAt().isBefore(before.plusSeconds(23)) && s.retryAt().isBefore(Instant.now().plusSeconds(31)),
                        s::toString);
                assertTrue(s.summary().startsWith("FAILED 403 Forbidden, retry at"), s.summary());
            } finally {
                server.close();
            }
            assertEquals(0, sipp.awaitExit(15), sipp::transcript);
        }
    }

    /** Polls the status until {@code ok}, for at most 10 s (a real registrar is on the other side). */
    private static RegistrationStatus await(SipServer server, Predicate<RegistrationStatus> ok, SippUas sipp)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        RegistrationStatus s = null;
        while (System.nanoTime() < deadline) {
            s = server.registrations().getFirst();
            if (ok.test(s)) return s;
            Thread.sleep(20);
        }
        fail("status stayed " + s + "\n" + sipp.transcript());
        return s;
    }
}

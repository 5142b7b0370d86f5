package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.trunk.Credentials;
import org.passerelle.sip.trunk.InboundTrunk;

/** Real-UA check: SIPp answers our digest challenge with -au/-ap ([authentication] in its scenario). */
class SippTrunkAuthTest {
    @TempDir
    Path dir;

    private SipConfig config(int port) {
        // SIPp 3.6.1 reads only the first challenge and knows only MD5: the trunk says so, as an
        // admin would for such a PBX (auth.algorithms).
        InboundTrunk trunk = new InboundTrunk("pbx", List.of("127.0.0.0/8"),
                new Credentials("pbx-user", "s3cret-Pw", "gw.example.org", List.of("MD5")), List.of(), 10);
        return SipConfig.defaults().withBind("127.0.0.1", port).withRtpPorts(46100, 46199)
                .withRtpTimeout(Duration.ofSeconds(30)).withTrunks(List.of(trunk), List.of(), false);
    }

    private Process sipp(int port, String password) throws Exception {
        Path scenario = dir.resolve("uac-auth.xml");
        try (var in = getClass().getResourceAsStream("/sipp/uac-auth.xml")) {
            Files.copy(in, scenario);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/sipp", "-sf", scenario.toString(), "127.0.0.1:" + port,
                "-i", "127.0.0.1", "-p", Integer.toString(SipServerTest.freePort()), "-s", "demo",
                "-au", "pbx-user", "-ap", password, "-m", "1", "-timeout", "15s", "-timeout_error", "-nostdin",
                "-trace_msg", "-message_file", dir.resolve("sipp.msg").toString(), "-trace_err", "-error_file", dir.resolve("sipp.err").toString()));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
    }

    @Test
    void sippWithTheRightPasswordGetsThrough() throws Exception {
        assumeTrue(new File("/usr/bin/sipp").canExecute(), "sipp not installed");
        int port = SipServerTest.freePort();
        RecordingHandler handler = new RecordingHandler();
        try (SipServer server = new SipServer(config(port), handler)) {
            server.start();
            Process p = sipp(port, "s3cret-Pw");
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sipp did not finish");
                assertEquals(0, p.exitValue(), this::output);
            } finally {
                p.destroyForcibly();
            }
            SipLeg leg = handler.awaitLeg();
            assertEquals("pbx", leg.trunk());
            assertEquals("sipp-room", leg.header("X-Room"));
            assertEquals(SipLeg.EndReason.REMOTE_BYE, handler.awaitEnded());
        }
    }

    @Test
    void sippWithAWrongPasswordIsRefused() throws Exception {
        assumeTrue(new File("/usr/bin/sipp").canExecute(), "sipp not installed");
        int port = SipServerTest.freePort();
        RecordingHandler handler = new RecordingHandler();
        try (SipServer server = new SipServer(config(port), handler)) {
            server.start();
            Process p = sipp(port, "guess");
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sipp did not finish");
                assertNotEquals(0, p.exitValue(), this::output);
            } finally {
                p.destroyForcibly();
            }
            assertTrue(output().contains("403"), this::output);
            assertNull(handler.legs.poll(200, TimeUnit.MILLISECONDS), "no call may reach the application");
            assertEquals(0, server.activeCalls());
        }
    }


    private String output() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("sipp.msg", "sipp.err")) {
            try {
                sb.append(f).append(":\n").append(Files.readString(dir.resolve(f))).append('\n');
            } catch (Exception e) {
                sb.append(f).append(": ").append(e).append('\n');
            }
        }
        return sb.toString();
    }
}

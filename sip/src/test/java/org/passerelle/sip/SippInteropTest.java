package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-UA check: SIPp's built-in uac scenario (INVITE, 100/180/200, ACK, BYE) against us. */
class SippInteropTest {
    @TempDir
    Path dir;

    @Test
    void sippUacCallsComplete() throws Exception {
        assumeTrue(new File("/usr/bin/sipp").canExecute(), "sipp not installed");
        int port = SipServerTest.freePort();
        RecordingHandler handler = new RecordingHandler();
        try (SipServer server = new SipServer(SipConfig.defaults().withBind("127.0.0.1", port)
                .withRtpPorts(46000, 46099).withRtpTimeout(Duration.ofSeconds(30)), handler)) {
            server.start();
            Process p = new ProcessBuilder(List.of("/usr/bin/sipp", "-sn", "uac", "127.0.0.1:" + port,
                    "-i", "127.0.0.1", "-p", Integer.toString(SipServerTest.freePort()), "-m", "5", "-r", "5",
                    "-l", "5", "-d", "200", "-timeout", "20s", "-timeout_error", "-nostdin"))
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sipp.out").toFile()).start();
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sipp did not finish");
                // SIPp exits 0 only when every call succeeded.
                assertEquals(0, p.exitValue(), () -> "sipp output: " + read(dir.resolve("sipp.out")));
            } finally {
                p.destroyForcibly();
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(SipLeg.EndReason.REMOTE_BYE, handler.ended.poll(20, TimeUnit.SECONDS),
                        () -> "sipp output: " + read(dir.resolve("sipp.out")));
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }
}

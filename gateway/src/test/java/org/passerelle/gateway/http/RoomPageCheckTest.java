package org.passerelle.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the room page's static checks (gateway/src/test/web/check-room-page.mjs) with Node: both
 * languages have every string, every server error code has a message, assets load from /static/.
 */
class RoomPageCheckTest {
    @Test
    void roomPageStringsAndAssetsAreComplete() throws Exception {
        Path script = Path.of("src", "test", "web", "check-room-page.mjs");
        Process p;
        try {
            p = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("Node.js is needed for the room page checks (apt-get install nodejs): " + e);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("check-room-page.mjs did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }
}

package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.gateway.config.Telephony;

/**
 * The config file changes while a call is up (issue 4 §2): a good file applies to the next call
 * and leaves the call in progress alone; a broken file is refused whole, the last good plan stays,
 * and the call in progress still ends normally.
 */
@Timeout(90)
class ConfigReloadTest {
    /** The number whose room the reload changes. */
    static final String SALES = "4000";

    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
        RequiredTool.SIPP.require();
        RequiredTool.SOX.require();
    }

    static String config(String salesRoom) {
        return """
                dialplan:
                  fallback: room-by-name
                  rules:
                    - name: sales
                      match: {to: "%s"}
                      join: %s
                """.formatted(SALES, salesRoom);
    }

    /** Two mistakes: a port out of range and a room name with a space. */
    static final String BROKEN = """
            sip:
              port: 70000
            dialplan:
              rules:
                - name: sales
                  match: {to: "%s"}
                  join: "not a room"
            """.formatted(SALES);

    @Test
    void aGoodFileAppliesToTheNextCallABrokenOneIsRefusedAndTheCallUpSurvivesBoth() throws Exception {
        Path file = work.resolve("passerelle.yaml");
        save(file, config("alpha"));
        try (TestGateway gateway = TestGateway.start(file)) {
            gateway.gateway().watchConfig(file);

            // A 16 s call in room alpha, under the first plan.
            SippRunner.Running first = SippRunner.scenario("uac_call_long.xml", gateway.sipPort(), work.resolve("first"))
                    .room(SALES).timeout(Duration.ofSeconds(40)).start();
            gateway.awaitParticipants("alpha", 1, Duration.ofSeconds(10));

            // A good change, saved the way editors do: the watcher applies it.
            Telephony original = gateway.gateway().telephony();
            save(file, config("beta"));
            Await.until(() -> gateway.gateway().telephony() != original, Duration.ofSeconds(10),
                    () -> "the watcher did not apply the changed file " + file);
            assertEquals(1, gateway.gateway().participantCount("alpha"), "the reload dropped the call in progress");

            assertNextCallLandsIn(gateway, "beta", work.resolve("second"));
            assertEquals(1, gateway.gateway().participantCount("alpha"), "the call in progress left its room");

            // A broken file: refused whole, the last good plan stays (the watcher refuses it too).
            Telephony good = gateway.gateway().telephony();
            assertNotSame(original, good);
            save(file, BROKEN);
            assertFalse(gateway.gateway().reload(file), "a broken file must be refused");
            Await.pause(Duration.ofMillis(1000)); // let the watcher act on the same change
            assertSame(good, gateway.gateway().telephony(), "the broken file replaced the running plan");
            assertEquals(1, gateway.gateway().participantCount("alpha"), "the broken file dropped the call");

            assertNextCallLandsIn(gateway, "beta", work.resolve("third"));

            // The first call hangs up by itself: its BYE must get 200 (the scenario expects it).
            assertTrue(first.isRunning(), "the first call ended before its BYE; the steps above took too long");
            SippResult result = first.await();
            assertTrue(result.passed(), "the call up during both reloads did not end normally; " + result.describe());
            gateway.awaitActiveCalls(0, Duration.ofSeconds(5));
            assertEquals(0, gateway.gateway().participantCount("alpha"));
        }
    }

    /** A new 3 s call to the sales number, which must be in {@code room} while it is up. */
    private static void assertNextCallLandsIn(TestGateway gateway, String room, Path dir) {
        SippRunner.Running sipp = SippRunner.scenario("uac_call.xml", gateway.sipPort(), dir).room(SALES)
                .timeout(Duration.ofSeconds(15)).start();
        List<GatewayWatch.Sample> timeline = GatewayWatch.whileRunning(gateway, room, sipp::isRunning);
        SippResult result = sipp.await();
        String facts = result.describe() + "\nparticipants in " + room + ": " + GatewayWatch.describe(timeline)
                + "\nrooms now: " + gateway.gateway().roomNames();
        assertTrue(result.passed(), facts);
        assertTrue(GatewayWatch.unbrokenSecondsAt(timeline, 1) >= 2, "the new call did not land in " + room + "; " + facts);
    }

    /** Writes a temporary file and renames it over the config, as editors save. */
    private static void save(Path file, String yaml) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

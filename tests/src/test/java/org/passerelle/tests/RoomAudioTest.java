package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.passerelle.tests.RoomConversation.Caller;

/** Phones in one embedded room hear each other through the gateway's mixer, never themselves. */
@Timeout(90)
class RoomAudioTest {
    private Path work;
    private TestGateway gateway;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        work = TestDirs.forTest(info);
        RequiredTool.BARESIP.require();
        gateway = TestGateway.start();
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void twoPhonesInARoomHearEachOtherAndNotThemselves() throws Exception {
        RoomConversation.talk(gateway, "demo", work, List.of(new Caller("alice", 440), new Caller("bob", 1000)));
        gateway.awaitParticipants("demo", 0, Duration.ofSeconds(10));
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    @Test
    void threePhonesEachHearTheOtherTwo() throws Exception {
        RoomConversation.talk(gateway, "trio", work,
                List.of(new Caller("alice", 440), new Caller("bob", 1000), new Caller("carol", 1700)));
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    @Test
    void roomsAreSeparate() throws Exception {
        // Two conversations at once: nobody in room "red" may hear room "blue"'s tones.
        AtomicReference<Throwable> blueFailure = new AtomicReference<>();
        Thread blue = Thread.ofVirtual().start(() -> {
            try {
                RoomConversation.talk(gateway, "blue", work.resolve("blue"),
                        List.of(new Caller("carol", 1700), new Caller("dave", 2300)));
            } catch (Throwable e) {
                blueFailure.set(e);
            }
        });
        try {
            Map<Caller, WavFile> red = RoomConversation.talk(gateway, "red", work.resolve("red"),
                    List.of(new Caller("alice", 440), new Caller("bob", 1000)));
            for (var e : red.entrySet()) {
                Spectrum s = Spectrum.of(e.getValue(), 0);
                double other = e.getKey().toneHz() == 440 ? 1000 : 440;
                for (double foreign : new double[] {1700, 2300}) {
                    assertTrue(s.levelDb(foreign) <= s.levelDb(other) - 20,
                            e.getKey().name() + " hears room blue's " + foreign + " Hz: " + s.describe(other, foreign));
                }
            }
        } finally {
            blue.join(60_000);
        }
        if (blueFailure.get() != null) {
            throw new AssertionError("room blue: " + blueFailure.get().getMessage(), blueFailure.get());
        }
    }
}

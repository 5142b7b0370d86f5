package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the harness without the gateway: two baresip phones call each other directly, and the
 * recorder plus the tone analysis show that each hears the other's tone and not its own.
 */
@Timeout(60)
class HarnessSelfTest {
    private Path work;

    @BeforeEach
    void setUp(TestInfo info) {
        work = TestDirs.forTest(info);
    }

    @Test
    void twoPhonesCallingEachOtherHearTheOthersTone() throws Exception {
        try (BaresipPhone bob = BaresipPhone.builder("bob", work).tone(1000).autoAnswer().start();
             BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440).calling(bob.sipUri()).start()) {
            alice.awaitEstablished(Duration.ofSeconds(10));
            bob.awaitEstablished(Duration.ofSeconds(10));
            Await.pause(Duration.ofSeconds(4));

            alice.hangup();
            bob.awaitClosed(Duration.ofSeconds(10));
            assertEquals(BaresipPhone.CallState.CLOSED, alice.callState());

            ToneAssertions.hearsOnly(alice, alice.stopAndReadRecording().skip(ToneAssertions.SKIP_SECONDS), 1000, 440);
            ToneAssertions.hearsOnly(bob, bob.stopAndReadRecording().skip(ToneAssertions.SKIP_SECONDS), 440, 1000);
        }
    }

    @Test
    void codecRestrictionIsWhatTheCallUses() throws Exception {
        try (BaresipPhone bob = BaresipPhone.builder("bob", work).tone(1000).autoAnswer()
                     .codec(BaresipPhone.Codec.G722).start();
             BaresipPhone alice = BaresipPhone.builder("alice", work).tone(440).calling(bob.sipUri()).start()) {
            alice.awaitEstablished(Duration.ofSeconds(10));
            Await.pause(Duration.ofSeconds(3));
            WavFile heard = alice.stopAndReadRecording();
            // G.722 decodes at 16 kHz: the recording's rate shows which codec was negotiated.
            assertEquals(16000, heard.sampleRate(), heard.toString());
            assertEquals("G722", alice.negotiatedCodec());
            ToneAssertions.hearsOnly(alice, heard.skip(ToneAssertions.SKIP_SECONDS), 1000, 440);
            assertTrue(bob.isRunning());
        }
    }
}

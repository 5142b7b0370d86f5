package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.passerelle.tests.BaresipPhone.Codec;
import org.passerelle.tests.RoomConversation.Caller;

/**
 * Phones restricted to different codecs talk through one room: the gateway transcodes both ways.
 * Each phone's recording rate shows the codec it really used (8 kHz G.711, 16 kHz G.722, 48 kHz Opus).
 * The room mixes at the rate its members need: 8 kHz for PCMU with PCMA, 16 kHz with G.722, 48 kHz with Opus.
 */
@Timeout(90)
class CodecBridgingTest {
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

    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({"PCMU, PCMA", "PCMU, OPUS", "PCMA, G722", "G722, OPUS", "OPUS, PCMU"})
    void phonesOnDifferentCodecsHearEachOther(Codec first, Codec second) throws Exception {
        Caller a = new Caller("a-" + first.name().toLowerCase(), 440, first);
        Caller b = new Caller("b-" + second.name().toLowerCase(), 1000, second);
        String room = "bridge-" + first.name().toLowerCase() + "-" + second.name().toLowerCase();
        Map<Caller, WavFile> heard = RoomConversation.talk(gateway, room, work, List.of(a, b));
        assertEquals(decodeRate(first), heard.get(a).sampleRate(), a.name() + " did not use " + first);
        assertEquals(decodeRate(second), heard.get(b).sampleRate(), b.name() + " did not use " + second);
        gateway.awaitActiveCalls(0, Duration.ofSeconds(10));
    }

    /** Rate baresip decodes the codec at, hence the rate of its *-dec.wav recording. */
    private static int decodeRate(Codec codec) {
        return switch (codec) {
            case PCMU, PCMA -> 8000;
            case G722 -> 16000;
            case OPUS -> 48000;
        };
    }
}

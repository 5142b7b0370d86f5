package org.passerelle.gateway.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passerelle.transcoder.codec.AudioCodec;

/** The start-up warm-up runs each codec's whole path: one packet back to each side per tick. */
class MediaWarmUpTest {
    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void everyTickSendsAFrameToBothParticipants(AudioCodec codec) {
        assertEquals(2 * MediaWarmUp.TICKS, MediaWarmUp.run(codec));
    }

    @org.junit.jupiter.api.Test
    void allCodecsTogether() {
        assertEquals(2 * MediaWarmUp.TICKS * AudioCodec.values().length, MediaWarmUp.run());
    }
}

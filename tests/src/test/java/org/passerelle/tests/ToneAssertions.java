package org.passerelle.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a person would notice on a call: which tones they hear, and that they do not hear themselves. */
public final class ToneAssertions {
    /** A tone this much below the loudest expected one counts as "not heard" (own tone, echo). */
    public static final double NOT_HEARD_DB = 20;
    /** Every expected tone must be within this of the loudest expected one. */
    public static final double HEARD_WITHIN_DB = 12;
    /** Seconds left out at the start of a recording (call set-up, jitter buffer fill). */
    public static final double SKIP_SECONDS = 1.0;
    /** Quieter than this the recording is silence, whatever its "dominant" frequency. */
    public static final double SILENCE_DBFS = -50;

    private ToneAssertions() {}

    /**
     * The phone heard exactly one tone, {@code expectedHz}, and {@code ownHz} at least 20 dB below it.
     * {@code heard} is analysed whole: trim call set-up first ({@link WavFile#skip}, {@link WavFile#window}).
     */
    public static void hearsOnly(BaresipPhone phone, WavFile heard, double expectedHz, double ownHz) {
        hears(phone, heard, new double[] {expectedHz}, ownHz);
        Spectrum s = Spectrum.of(heard, 0);
        assertEquals(expectedHz, s.dominantFrequency(), 15,
                who(phone) + " should mostly hear " + expectedHz + " Hz: " + s.describe(expectedHz, ownHz));
    }

    /**
     * The phone heard every tone in {@code expectedHz} (none more than 12 dB below the loudest) and
     * its own {@code ownHz} at least 20 dB below the weakest of them.
     */
    public static void hears(BaresipPhone phone, WavFile heard, double[] expectedHz, double ownHz) {
        Spectrum s = Spectrum.of(heard, 0);
        double[] all = new double[expectedHz.length + 1];
        System.arraycopy(expectedHz, 0, all, 0, expectedHz.length);
        all[expectedHz.length] = ownHz;
        String facts = who(phone) + " heard " + heard + ": " + s.describe(all) + " (log " + phone.log() + ")";
        assertTrue(s.seconds() >= 1.0, "recording too short; " + facts);
        assertTrue(s.rmsDb() > SILENCE_DBFS, "silence; " + facts);
        double loudest = -200, weakest = 0;
        for (double f : expectedHz) {
            loudest = Math.max(loudest, s.levelDb(f));
            weakest = Math.min(weakest, s.levelDb(f));
        }
        for (double f : expectedHz) {
            assertTrue(s.levelDb(f) >= loudest - HEARD_WITHIN_DB, f + " Hz missing; " + facts);
        }
        double dominant = s.dominantFrequency();
        boolean dominantExpected = false;
        for (double f : expectedHz) {
            dominantExpected |= Math.abs(dominant - f) <= 15;
        }
        assertTrue(dominantExpected, "dominant frequency is none of the expected tones; " + facts);
        assertTrue(s.levelDb(ownHz) <= weakest - NOT_HEARD_DB, "hears its own " + ownHz + " Hz; " + facts);
    }

    private static String who(BaresipPhone phone) {
        return "phone '" + phone.name() + "'";
    }
}

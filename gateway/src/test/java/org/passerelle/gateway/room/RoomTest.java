package org.passerelle.gateway.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.transcoder.audio.ToneAnalyzer;
import org.passerelle.transcoder.codec.AudioCodec;

class RoomTest {
    private long now = 1_000_000_000L;

    @Test
    void everyoneHearsTheOthersButNotThemselves() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(100);
        FakeParticipant b = new FakeParticipant("b").saying(20);
        FakeParticipant c = new FakeParticipant("c").saying(3);
        room.add(a);
        room.add(b);
        room.add(c);
        room.tick();
        assertEquals(23, a.heard[0]);
        assertEquals(103, b.heard[b.heardSamples - 1]);
        assertEquals(120, c.heard[0]);
    }

    @Test
    void aSilentMemberAddsNothingAndStillHears() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(500);
        FakeParticipant quiet = new FakeParticipant("q");
        room.add(a);
        room.add(quiet);
        room.tick();
        assertEquals(0, a.heard[0]);
        assertEquals(500, quiet.heard[0]);
    }

    @Test
    void aLoneMemberHearsSilence() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(1234);
        room.add(a);
        room.tick();
        assertEquals(0, a.heard[0]);
    }

    @Test
    void someoneWhoLeftIsNoLongerMixed() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a").saying(7);
        FakeParticipant b = new FakeParticipant("b").saying(9);
        room.add(a);
        room.add(b);
        room.remove(b);
        room.tick();
        assertEquals(0, a.heard[0]);
    }

    @Test
    void eachTickGivesFramesOfTheRoomRateAndMixesWholeFrames() {
        Room room = new Room("demo");
        FakeParticipant a = new FakeParticipant("a", 16000).saying(11);
        FakeParticipant b = new FakeParticipant("b", 8000).saying(5);
        room.add(a);
        room.add(b);
        room.tick();
        assertEquals(16000, a.lastRate);
        assertEquals(16000, b.lastRate);
        assertEquals(320, b.heardSamples);
        assertEquals(11, b.heard[0]);
        assertEquals(11, b.heard[319], "the whole 16 kHz frame is mixed");
        assertEquals(0, b.heard[320], "nothing past it");
    }

    @Test
    void theRateFollowsTheMembers() {
        Room room = Room.detached("demo");
        assertEquals(8000, room.rate(), "an empty room");
        TonePhone a = new TonePhone("a", AudioCodec.PCMU, Participant.Kind.PHONE, 0, 0, () -> now);
        TonePhone b = new TonePhone("b", AudioCodec.PCMA, Participant.Kind.PHONE, 0, 0, () -> now);
        TonePhone wide = new TonePhone("w", AudioCodec.G722, Participant.Kind.PHONE, 0, 0, () -> now);
        TonePhone browser = new TonePhone("br", AudioCodec.OPUS, Participant.Kind.BROWSER, 0, 0, () -> now);
        FakeParticipant anyRate = new FakeParticipant("prompt", Participant.ANY_RATE);
        room.addMember(anyRate);
        assertEquals(8000, room.rate(), "a member that takes any rate does not raise it");
        room.addMember(a.participant);
        room.addMember(b.participant);
        assertEquals(8000, room.rate(), "G.711 phones");
        room.addMember(wide.participant);
        assertEquals(16000, room.rate(), "with a G.722 phone");
        room.addMember(browser.participant);
        assertEquals(48000, room.rate(), "with a browser");
        room.tick();
        assertEquals(48000, anyRate.lastRate, "ticks run at the room's rate");
        room.removeMember(browser.participant);
        assertEquals(16000, room.rate(), "the browser left");
        room.removeMember(wide.participant);
        assertEquals(8000, room.rate(), "back to the G.711 phones");
        room.tick();
        assertEquals(8000, anyRate.lastRate);
        for (TonePhone p : List.of(a, b, wide, browser)) p.close();
    }

    /** One segment of the tone test: who is in the room, for how many ticks. */
    private record Phase(String what, int rate, int ticks) {}

    @Test
    void aToneThroughAG711RoomArrivesAtItsFrequencyAndLevelAtEveryRateAndAcrossChanges() {
        Room room = Room.detached("demo");
        TonePhone talker = new TonePhone("talker", AudioCodec.PCMU, Participant.Kind.PHONE, 1000, 10, () -> now);
        TonePhone listener = new TonePhone("listener", AudioCodec.PCMA, Participant.Kind.PHONE, 0, 10, () -> now);
        TonePhone wide = new TonePhone("wide", AudioCodec.G722, Participant.Kind.PHONE, 0, 10, () -> now);
        TonePhone browser = new TonePhone("browser", AudioCodec.OPUS, Participant.Kind.BROWSER, 0, 10, () -> now);
        room.addMember(talker.participant);
        room.addMember(listener.participant);
        List<TonePhone> in = new ArrayList<>(List.of(talker, listener));
        List<Phase> phases = List.of(new Phase("G.711 only", 8000, 50), new Phase("+ G.722", 16000, 50),
                new Phase("+ browser", 48000, 50), new Phase("browser left", 16000, 50), new Phase("G.722 left", 8000, 50));
        for (Phase phase : phases) {
            switch (phase.what) {
                case "+ G.722" -> { room.addMember(wide.participant); in.add(wide); }
                case "+ browser" -> { room.addMember(browser.participant); in.add(browser); }
                case "browser left" -> { room.removeMember(browser.participant); in.remove(browser); }
                case "G.722 left" -> { room.removeMember(wide.participant); in.remove(wide); }
                default -> { }
            }
            assertEquals(phase.rate, room.rate(), phase.what);
            int listenerStart = listener.heardLength;
            int wideStart = wide.heardLength;
            int browserStart = browser.heardLength;
            for (int t = 0; t < phase.ticks; t++) {
                for (TonePhone p : in) p.speak(now);
                room.tick();
                now += 20_000_000L;
            }
            assertTone(listener, listenerStart, phase);
            if (in.contains(wide)) assertTone(wide, wideStart, phase);
            if (in.contains(browser)) assertTone(browser, browserStart, phase);
            double self = ToneAnalyzer.meanPower(talker.heard, Math.max(0, talker.heardLength - 160), 160);
            assertTrue(self < 100, "the talker does not hear itself (" + phase.what + "): power " + self);
        }
        for (TonePhone p : List.of(talker, listener, wide, browser)) p.close();
    }

    /** What {@code p} heard during the phase, past its first 200 ms: the talker's 1 kHz at its level. */
    private static void assertTone(TonePhone p, int start, Phase phase) {
        int rate = p.codec.sampleRate();
        int from = start + rate / 5;
        int len = p.heardLength - from;
        String who = p.participant.id() + " (" + p.codec + "), room at " + phase.rate + " Hz, " + phase.what;
        assertTrue(len >= rate / 2, who + ": heard " + len + " samples");
        assertEquals(1000, ToneAnalyzer.dominantFrequency(p.heard, from, len, rate, 100, 3000, 5), 5, who);
        double level = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(p.heard, from, len),
                TonePhone.AMPLITUDE * TonePhone.AMPLITUDE / 2);
        assertEquals(0, level, 1.0, who + ": level in dB against the sent tone");
        // No gap, no garbage anywhere past the start: every 20 ms holds the tone at its level.
        int frame = p.frame();
        for (int off = from; off + frame <= p.heardLength; off += frame) {
            double db = ToneAnalyzer.toDb(ToneAnalyzer.meanPower(p.heard, off, frame),
                    TonePhone.AMPLITUDE * TonePhone.AMPLITUDE / 2);
            assertEquals(0, db, 1.5, who + ": frame at " + (off - start) + " of the phase");
        }
    }

    @Test
    void ticksAllocateNothingAtEachRate() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Room room = Room.detached("demo");
        TonePhone a = new TonePhone("a", AudioCodec.PCMU, Participant.Kind.PHONE, 440, 0, () -> now);
        TonePhone b = new TonePhone("b", AudioCodec.PCMU, Participant.Kind.PHONE, 1000, 0, () -> now);
        TonePhone wide = new TonePhone("w", AudioCodec.G722, Participant.Kind.PHONE, 0, 0, () -> now);
        room.addMember(a.participant);
        room.addMember(b.participant);
        for (int rate : new int[] {8000, 16000, 8000}) {
            if (rate == 16000) room.addMember(wide.participant);
            else room.removeMember(wide.participant);
            assertEquals(rate, room.rate());
            List<TonePhone> in = rate == 16000 ? List.of(a, b, wide) : List.of(a, b);
            TonePhone[] members = in.toArray(new TonePhone[0]);
            for (int t = 0; t < 500; t++) tick(room, members);
            // The resamplers' SIMD code boxes its vectors until the JIT has compiled it: the steady
            // state is the first window of 2000 ticks that allocates (almost) nothing.
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < 10 && allocated >= 16 * 1024; window++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int t = 0; t < 2000; t++) tick(room, members);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 16 * 1024, "2000 ticks at " + rate + " Hz allocated " + allocated + " bytes");
        }
        for (TonePhone p : List.of(a, b, wide)) p.close();
    }

    private void tick(Room room, TonePhone[] members) {
        for (TonePhone p : members) p.speak(now);
        room.tick();
        now += 20_000_000L;
    }
}

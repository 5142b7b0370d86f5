package org.passerelle.tests;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several baresip phones in one gateway room, each sending its own tone; checks that every phone
 * hears everybody else's tone and not its own (the mixer gives each listener the mix minus itself).
 */
public final class RoomConversation {
    /** Time for the last joiner's audio to reach everyone (jitter buffers, mixer) before listening. */
    static final Duration SETTLE = Duration.ofMillis(1500);
    /** How long everybody listens while all are in the room. */
    static final Duration LISTEN = Duration.ofSeconds(3);

    /** One person on a phone: a name, the tone they send, optionally the only codec their phone has. */
    public record Caller(String name, int toneHz, BaresipPhone.Codec codec) {
        public Caller(String name, int toneHz) {
            this(name, toneHz, null);
        }
    }

    private RoomConversation() {}

    /**
     * Calls {@code room} from every caller, lets them talk, hangs up and asserts what each heard.
     * Returns what each phone heard while all were present (for extra checks such as the sample rate).
     */
    public static Map<Caller, WavFile> talk(TestGateway gateway, String room, Path work, List<Caller> callers)
            throws IOException {
        List<BaresipPhone> phones = new ArrayList<>();
        Map<Caller, WavFile> heard = new LinkedHashMap<>();
        try {
            for (Caller c : callers) {
                BaresipPhone.Builder b = BaresipPhone.builder(c.name(), work).tone(c.toneHz())
                        .calling(gateway.roomUri(room));
                if (c.codec() != null) {
                    b.codec(c.codec());
                }
                BaresipPhone phone = b.start();
                phones.add(phone);
                phone.awaitEstablished(Duration.ofSeconds(10));
            }
            gateway.awaitParticipants(room, callers.size(), Duration.ofSeconds(10));
            Await.pause(SETTLE);
            long from = System.nanoTime();
            Await.pause(LISTEN);
            long to = System.nanoTime();
            for (BaresipPhone p : phones) {
                if (p.callState() != BaresipPhone.CallState.ESTABLISHED) {
                    throw new AssertionError("phone '" + p.name() + "' lost its call while talking ("
                            + p.lastCloseReason() + "); log:\n" + p.logTail());
                }
            }
            closeAll(phones);
            for (int i = 0; i < callers.size(); i++) {
                Caller c = callers.get(i);
                BaresipPhone p = phones.get(i);
                if (c.codec() != null && !c.codec().logName().equals(p.negotiatedCodec())) {
                    throw new AssertionError("phone '" + c.name() + "' restricted to " + c.codec()
                            + " used '" + p.negotiatedCodec() + "'; log " + p.log());
                }
                heard.put(c, p.recordingBetween(from, to));
            }
        } finally {
            closeAll(phones);
        }
        for (int i = 0; i < callers.size(); i++) {
            Caller me = callers.get(i);
            double[] others = callers.stream().filter(c -> c != me).mapToDouble(Caller::toneHz).toArray();
            if (others.length == 1) {
                ToneAssertions.hearsOnly(phones.get(i), heard.get(me), others[0], me.toneHz());
            } else {
                ToneAssertions.hears(phones.get(i), heard.get(me), others, me.toneHz());
            }
        }
        return heard;
    }

    /** Quits all phones at once, so nobody hears the others leave one by one for long. */
    static void closeAll(List<BaresipPhone> phones) {
        List<Thread> threads = new ArrayList<>();
        for (BaresipPhone p : phones) {
            threads.add(Thread.ofVirtual().start(p::close));
        }
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package org.passerelle.transcoder.dtmf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TelephoneEventTest {
    @Test
    void parsesTheWireFormat() {
        // Key 5, end, R bit set (must be ignored), volume 10, duration 800 (RFC 4733 §2.3).
        byte[] b = {0, 0, 5, (byte) 0xCA, 0x03, 0x20};
        assertEquals(5, TelephoneEvent.event(b, 2));
        assertTrue(TelephoneEvent.end(b, 2));
        assertEquals(10, TelephoneEvent.volume(b, 2));
        assertEquals(800, TelephoneEvent.duration(b, 2));
    }

    @Test
    void writesTheWireFormat() {
        byte[] b = new byte[6];
        TelephoneEvent.write(b, 1, 11, false, 63, 0xFFFF);
        assertArrayEquals(new byte[] {0, 11, 63, (byte) 0xFF, (byte) 0xFF, 0}, b);
        TelephoneEvent.write(b, 1, 0, true, 0, 160);
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0, (byte) 160, 0}, b);
        assertFalse(TelephoneEvent.end(new byte[] {0, 0x7f, 0, 0}, 0));
    }

    @Test
    void roundTripsEveryFieldRange() {
        byte[] b = new byte[4];
        for (int ev : new int[] {0, 9, 15, 16, 255}) {
            for (int vol : new int[] {0, 10, 63}) {
                for (int dur : new int[] {0, 1, 160, 0x8000, 0xFFFF}) {
                    for (boolean end : new boolean[] {false, true}) {
                        TelephoneEvent.write(b, 0, ev, end, vol, dur);
                        assertEquals(ev, TelephoneEvent.event(b, 0));
                        assertEquals(end, TelephoneEvent.end(b, 0));
                        assertEquals(vol, TelephoneEvent.volume(b, 0));
                        assertEquals(dur, TelephoneEvent.duration(b, 0));
                    }
                }
            }
        }
    }

    @Test
    void keysMapToEventCodes() {
        String keys = "0123456789*#ABCD";
        for (int i = 0; i < 16; i++) {
            assertEquals(keys.charAt(i), TelephoneEvent.toChar(i));
            assertEquals(i, TelephoneEvent.fromChar(keys.charAt(i)));
        }
        assertEquals(12, TelephoneEvent.fromChar('a'));
        assertEquals(-1, TelephoneEvent.fromChar('E'));
        assertEquals(-1, TelephoneEvent.fromChar('x'));
        assertEquals(0, TelephoneEvent.toChar(16)); // flash is not a key
        assertEquals(0, TelephoneEvent.toChar(-1));
    }

    @Test
    void rejectsOutOfRangeFieldsAndShortPayloads() {
        byte[] b = new byte[4];
        assertThrows(IllegalArgumentException.class, () -> TelephoneEvent.write(b, 0, 1, false, 64, 0));
        assertThrows(IllegalArgumentException.class, () -> TelephoneEvent.write(b, 0, 1, false, 0, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> TelephoneEvent.write(b, 0, 256, false, 0, 0));
        assertFalse(TelephoneEvent.isValid(b, 0, 3));
        assertFalse(TelephoneEvent.isValid(b, 1, 4));
        assertTrue(TelephoneEvent.isValid(b, 0, 4));
    }
}

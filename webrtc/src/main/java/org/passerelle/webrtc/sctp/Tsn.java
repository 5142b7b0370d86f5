package org.passerelle.webrtc.sctp;

/** Serial number arithmetic (RFC 9260 §1.6, RFC 1982): 32-bit TSNs kept unwrapped as longs. */
final class Tsn {
    private Tsn() {}

    /** The unwrapped value of the 32-bit {@code wire} closest to {@code near}. */
    static long unwrap(long wire, long near) {
        int diff = (int) (wire - near);
        return near + diff;
    }

    static long wire(long tsn) { return tsn & 0xffffffffL; }

    /** 16-bit SSN a comes after b. */
    static boolean ssnAfter(int a, int b) { return (short) (a - b) > 0; }
}

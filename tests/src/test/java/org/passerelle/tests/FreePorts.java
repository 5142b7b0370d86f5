package org.passerelle.tests;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds ports free on 127.0.0.1 for both UDP and TCP (SIP listens on both). */
public final class FreePorts {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private FreePorts() {}

    /** A port free for UDP and TCP. */
    public static int udpAndTcp() {
        return block(1);
    }

    /**
     * First of {@code count} consecutive ports all free for UDP and TCP. baresip's TLS transport binds
     * the SIP port + 1, so phones ask for two.
     */
    public static int block(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(15000, 29000 - count);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no block of " + count + " free ports found on 127.0.0.1");
    }

    /** A range of {@code size} RTP ports for a gateway, in 40000..49999, free when checked (UDP). */
    public static int[] gatewayRtpRange(int size) {
        return rtpRange(size, 40000, 50000);
    }

    /** A few RTP ports for SIPp's media, in 50000..59999 (baresip phones use 30000..39999). */
    public static int[] sippRtpRange(int size) {
        return rtpRange(size, 50000, 60000);
    }

    private static int[] rtpRange(int size, int min, int max) {
        for (int attempt = 0; attempt < 200; attempt++) {
            // RTP on even ports, RTCP on the next odd one (RFC 3550 11).
            int first = ThreadLocalRandom.current().nextInt(min / 2, (max - size) / 2) * 2;
            // Every port of it: SIPp's -mp P also binds P+2 for video (a CI run failed on that
            // one, taken by another socket, when only the ends of the range were checked).
            if (udpRangeFree(first, size)) return new int[] {first, first + size - 1};
        }
        throw new IllegalStateException("no free RTP range of " + size + " ports in " + min + ".." + max);
    }

    private static boolean udpRangeFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            if (!udpFree(p)) return false;
        }
        return true;
    }

    private static boolean allFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            if (!udpFree(p) || !tcpFree(p)) {
                return false;
            }
        }
        return true;
    }

    static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    static boolean tcpFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

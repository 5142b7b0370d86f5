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

    /** A range of {@code size} RTP ports in 40000..59999 that were free when checked (UDP). */
    public static int[] rtpRange(int size) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(40000 / 2, (60000 - size) / 2) * 2;
            if (udpFree(first) && udpFree(first + size - 1)) {
                return new int[] {first, first + size - 1};
            }
        }
        throw new IllegalStateException("no free RTP range found");
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

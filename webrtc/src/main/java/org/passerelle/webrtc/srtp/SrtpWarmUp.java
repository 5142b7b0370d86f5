package org.passerelle.webrtc.srtp;

import java.security.GeneralSecurityException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.passerelle.transcoder.srtp.PacketBuffer;
import org.passerelle.webrtc.dtls.SrtpKeys;
import org.passerelle.webrtc.dtls.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readies SRTP's crypto once per process, off the connection path. On first use jitsi-srtp loads
 * its OpenSSL binding and builds every AES provider it knows (Bouncy Castle's JCA provider alone
 * takes ~200 ms), holding a lock on its Aes class: without this, the first connection's DTLS
 * handshake is followed by that wait before media can flow. Started with the DTLS certificate
 * (the gateway makes it at startup) or by the first session; one run makes a throwaway session
 * per profile and protects one packet with each.
 */
public final class SrtpWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(SrtpWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final CountDownLatch DONE = new CountDownLatch(1);
    private static volatile boolean succeeded;

    private SrtpWarmUp() {}

    /** Starts the warm-up on a daemon thread, the first time only. */
    public static void startOnce() {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(SrtpWarmUp::run, "srtp-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for a started warm-up; true when it is over (tests). */
    static boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return DONE.await(timeout, unit);
    }

    /** The warm-up protected a packet with every profile (tests). */
    static boolean succeeded() {
        return succeeded;
    }

    private static void run() {
        long start = System.nanoTime();
        try {
            boolean all = true;
            for (SrtpProfile p : SrtpProfile.values()) all &= exercise(p);
            succeeded = all;
            LOG.info("SRTP crypto ready in {} ms (AES by {})", (System.nanoTime() - start) / 1_000_000,
                    SrtpSession.AES_PROVIDER);
        } catch (GeneralSecurityException | RuntimeException e) {
            // the first real session meets the same error and reports it
            LOG.debug("SRTP warm-up failed: {}", e.toString());
        } finally {
            DONE.countDown();
        }
    }

    private static boolean exercise(SrtpProfile p) throws GeneralSecurityException {
        byte[] key = new byte[p.keyLength()], salt = new byte[p.saltLength()];
        try (SrtpSession s = new SrtpSession(new SrtpKeys(p, key, salt, key.clone(), salt.clone()), 1)) {
            byte[] rtp = new byte[64];
            rtp[0] = (byte) 0x80; // RTP version 2, SSRC 1 at bytes 8-11
            rtp[11] = 1;
            return s.protectRtp(new PacketBuffer().wrap(rtp, 0, 28));
        }
    }
}

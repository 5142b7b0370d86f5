package org.passerelle.tests.bench;

import java.util.Map;

/** The load harness's report as a plain-text table, in the order an admin reads it. */
final class LoadReport {
    private LoadReport() {}

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        Map<String, Object> gw = (Map<String, Object>) r.get("gateway");
        Map<String, Object> gen = (Map<String, Object>) r.get("generator");
        Map<String, Object> lim = (Map<String, Object>) r.get("codecLimit");
        StringBuilder b = new StringBuilder();
        boolean livekit = "livekit".equals(r.get("kind"));
        Map<String, Object> lk = (Map<String, Object>) r.get("livekitServer");
        b.append(String.format("%nPasserelle load: %s calls into %s %s rooms at %s calls/s, held %s s%n",
                r.get("calls"), r.get("rooms"), livekit ? "LiveKit" : "embedded", r.get("rate"), r.get("seconds")));
        row(b, "calls set up / failed", r.get("callsEstablished") + " / " + r.get("callsFailed")
                + (isEmpty(r.get("failuresByCode")) ? "" : " " + r.get("failuresByCode"))
                + ("0".equals(String.valueOf(r.get("callsEndedByGateway"))) ? "" : ", ended by gateway " + r.get("callsEndedByGateway")));
        row(b, "sustained setup rate", r.get("sustainedCallsPerSecond") + " calls/s");
        row(b, "INVITE→200 ms", pct(r.get("inviteTo200Ms")));
        row(b, "INVITE→first audio back ms", pct(r.get("inviteToFirstAudioMs")) + " (" + r.get("callsWithAudioBack") + " calls)");
        row(b, livekit ? "added latency ms, talker via LiveKit" : "added audio latency ms", pct(r.get("addedLatencyMs")));
        if (r.get("addedLatencySecondHalfMs") != null) {
            row(b, "  in the hold's second half", pct(r.get("addedLatencySecondHalfMs")));
        }
        row(b, "packet loss (received)", r.get("lossPercent") + " %  (" + r.get("packetsLost") + " of " + r.get("packetsExpected") + ")");
        row(b, "packets received / due in hold", r.get("receivedInHoldPercentOfDue") + " %");
        Map<String, Object> j = (Map<String, Object>) r.get("jitterMs");
        row(b, "jitter ms (RFC 3550)", j == null ? "-" : "mean " + j.get("mean") + ", p99 " + j.get("p99") + ", max " + j.get("max"));
        if (gw != null) {
            row(b, "gateway CPU s per call-minute", gw.get("cpuSecondsPerCallMinute") + "  (" + gw.get("coresBusyInHold") + " cores busy in hold)");
            if (gw.get("cpuSecondsPerCallMinuteSecondHalf") != null) {
                row(b, "  in the hold's second half", gw.get("cpuSecondsPerCallMinuteSecondHalf") + "  ("
                        + gw.get("coresBusySecondHalf") + " cores busy)");
            }
            row(b, "gateway RSS per call", gw.get("rssPerCallKiB") + " KiB  (idle " + gw.get("rssIdleMiB") + " MiB, hold " + gw.get("rssHoldMiB") + " MiB)");
            row(b, "gateway live heap per call", gw.get("heapPerCallKiB") + " KiB  (idle " + gw.get("liveHeapIdleMiB") + " MiB, hold " + gw.get("liveHeapHoldMiB") + " MiB)");
        }
        if (lk != null) {
            row(b, "livekit-server CPU s per call-minute", lk.get("cpuSecondsPerCallMinute") + "  (" + lk.get("coresBusyInHold") + " cores busy in hold)");
        }
        if (gen != null) row(b, "generator CPU in hold", gen.get("coresBusyInHold") + " cores (" + gen.get("cpuSecondsInHold") + " s)"
                + (gen.get("livekitTalkersCoresBusyInHold") != null ? "; LiveKit talkers " + gen.get("livekitTalkersCoresBusyInHold") + " cores" : ""));
        if (lim != null) {
            row(b, "codec limit s per call-minute", lim.get("embeddedCpuSecondsPerCallMinute") + " embedded room path, "
                    + lim.get("pcmuOpusCpuSecondsPerCallMinute") + " PCMU⇄Opus");
            row(b, "Passerelle / codec limit", r.get("ratioToCodecLimit") + " ×" + (livekit ? " (PCMU⇄Opus)" : " (embedded)")
                    + (r.get("ratioToCodecLimitSecondHalf") != null ? "; " + r.get("ratioToCodecLimitSecondHalf") + " × in the hold's second half" : ""));
            if (lim.get("embeddedVia48kCpuSecondsPerCallMinute") != null) {
                row(b, "  limit via 48 kHz s per call-minute", lim.get("embeddedVia48kCpuSecondsPerCallMinute") + " embedded, "
                        + lim.get("pcmuOpusVia48kCpuSecondsPerCallMinute") + " PCMU⇄Opus (with 8↔48 kHz resampling)");
                row(b, "  Passerelle / limit via 48 kHz", r.get("ratioToCodecLimitVia48k") + " ×; "
                        + r.get("ratioToCodecLimitVia48kSecondHalf") + " × in the hold's second half");
            }
            if (lim.get("udpFloorCpuSecondsPerCallMinute") != null) {
                row(b, "UDP floor s per call-minute", lim.get("udpFloorCpuSecondsPerCallMinute")
                        + " (the same RTP through the kernel, one socket per stream, nothing else)");
                row(b, "Passerelle / (codec limit + UDP)", r.get("ratioToCodecLimitPlusUdpFloor") + " ×; "
                        + r.get("ratioToCodecLimitPlusUdpFloorSecondHalf") + " × in the hold's second half");
            }
        }
        Map<String, Object> peer = (Map<String, Object>) r.get("livekitSip");
        if (peer != null && peer.get("notRun") != null) {
            b.append(String.format("%nLiveKit SIP: not run (%s)%n", peer.get("notRun")));
        } else if (peer != null && peer.get("failed") != null) {
            b.append(String.format("%nLiveKit SIP: failed (%s; log %s)%n", peer.get("failed"), peer.get("log")));
        } else if (peer != null) {
            b.append(peerTable(r, peer));
        }
        return b.toString();
    }

    /** Passerelle and LiveKit SIP side by side, same calls in the same run, with their ratio. */
    @SuppressWarnings("unchecked")
    private static String peerTable(Map<String, Object> r, Map<String, Object> peer) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> gw = (Map<String, Object>) r.get("gateway");
        Map<String, Object> pp = (Map<String, Object>) peer.get("process");
        Map<String, Object> ratio = (Map<String, Object>) r.get("passerelleToLiveKitSip");
        b.append(String.format("%nSame load, same run, same livekit-server: Passerelle vs LiveKit SIP %s%n", peer.get("version")));
        b.append(String.format("  %-30s %-16s %-16s %s%n", "", "Passerelle", "LiveKit SIP", "Passerelle/LK SIP"));
        cmp(b, "calls set up / failed", r.get("callsEstablished") + " / " + r.get("callsFailed"),
                peer.get("callsEstablished") + " / " + peer.get("callsFailed"), null);
        cmp(b, "CPU s per call-minute", gw.get("cpuSecondsPerCallMinute"), pp.get("cpuSecondsPerCallMinute"),
                ratio.get("cpuSecondsPerCallMinute"));
        cmp(b, "  in the hold's second half", gw.get("cpuSecondsPerCallMinuteSecondHalf"),
                pp.get("cpuSecondsPerCallMinuteSecondHalf"), ratio.get("cpuSecondsPerCallMinuteSecondHalf"));
        cmp(b, "cores busy in hold", gw.get("coresBusyInHold"), pp.get("coresBusyInHold"), null);
        cmp(b, "RSS per call KiB", gw.get("rssPerCallKiB"), pp.get("rssPerCallKiB"), ratio.get("rssPerCall"));
        cmp(b, "RSS idle / hold MiB", gw.get("rssIdleMiB") + " / " + gw.get("rssHoldMiB"),
                pp.get("rssIdleMiB") + " / " + pp.get("rssHoldMiB"), ratio.get("rssHold"));
        for (String k : new String[] {"inviteTo200Ms", "inviteToFirstAudioMs", "addedLatencyMs"}) {
            Map<String, Object> a = (Map<String, Object>) r.get(k);
            Map<String, Object> c = (Map<String, Object>) peer.get(k);
            for (String p : new String[] {"p50", "p99"}) {
                cmp(b, k.replace("Ms", " ms ") + p, a == null ? "-" : a.get(p), c == null ? "-" : c.get(p),
                        ratio.get(k.replace("Ms", "") + "_" + p));
            }
        }
        cmp(b, "bursts heard / dropouts in them", count(r.get("addedLatencyMs")) + " / " + r.get("burstRestartsInHold"),
                count(peer.get("addedLatencyMs")) + " / " + peer.get("burstRestartsInHold"), null);
        cmp(b, "packet loss %", r.get("lossPercent"), peer.get("lossPercent"), null);
        cmp(b, "received / due in hold %", r.get("receivedInHoldPercentOfDue"), peer.get("receivedInHoldPercentOfDue"), null);
        Map<String, Object> ja = (Map<String, Object>) r.get("jitterMs");
        Map<String, Object> jb = (Map<String, Object>) peer.get("jitterMs");
        cmp(b, "jitter ms mean / p99", ja == null ? "-" : ja.get("mean") + " / " + ja.get("p99"),
                jb == null ? "-" : jb.get("mean") + " / " + jb.get("p99"), null);
        Map<String, Object> la = (Map<String, Object>) r.get("livekitServer");
        Map<String, Object> lb = (Map<String, Object>) peer.get("livekitServer");
        if (la != null && lb != null) {
            cmp(b, "livekit-server cores busy", la.get("coresBusyInHold"), lb.get("coresBusyInHold"), null);
        }
        cmp(b, "/ codec limit (PCMU⇄Opus)", r.get("ratioToCodecLimit"), peer.get("ratioToCodecLimit"), null);
        cmp(b, "  in the hold's second half", r.get("ratioToCodecLimitSecondHalf"), peer.get("ratioToCodecLimitSecondHalf"), null);
        return b.toString();
    }

    private static Object count(Object percentiles) {
        return percentiles instanceof Map<?, ?> m ? m.get("count") : "-";
    }

    private static void cmp(StringBuilder b, String name, Object passerelle, Object peer, Object ratio) {
        b.append(String.format("  %-30s %-16s %-16s %s%n", name, passerelle, peer, ratio == null ? "" : ratio + " ×"));
    }

    private static boolean isEmpty(Object o) {
        return o == null || (o instanceof Map<?, ?> m && m.isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static String pct(Object o) {
        if (!(o instanceof Map)) return "-";
        Map<String, Object> m = (Map<String, Object>) o;
        return "p50 " + m.get("p50") + "  p95 " + m.get("p95") + "  p99 " + m.get("p99") + "  max " + m.get("max")
                + "  (n=" + m.get("count") + ")";
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format("  %-34s %s%n", name, value));
    }
}

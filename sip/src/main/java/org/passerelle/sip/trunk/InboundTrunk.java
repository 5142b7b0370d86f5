package org.passerelle.sip.trunk;

import java.util.List;

/**
 * Where calls may come from: an operator's SIP trunk or a partner PBX.
 *
 * @param name           used in logs, the dial plan (match.trunk) and metrics
 * @param allowedSources IPs and CIDRs (IPv4 or IPv6) whose INVITEs belong to this trunk
 * @param auth           digest credentials callers must present, or null for IP-only trust
 * @param numbers        DIDs (E.164) the trunk serves; empty: any
 * @param maxCalls       concurrent calls through this trunk; beyond it 503
 */
public record InboundTrunk(String name, List<String> allowedSources, Credentials auth, List<String> numbers,
                           int maxCalls) {
    public InboundTrunk {
        allowedSources = List.copyOf(allowedSources);
        numbers = numbers == null ? List.of() : List.copyOf(numbers);
    }
}

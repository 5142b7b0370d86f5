package org.passerelle.sip.trunk;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A set of address blocks: does an address belong to any of them? Immutable. */
public final class AddressMatcher {
    private final List<Cidr> blocks;

    private AddressMatcher(List<Cidr> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses IPs and CIDRs (IPv4 and IPv6).
     *
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static AddressMatcher parse(List<String> entries) {
        List<Cidr> out = new ArrayList<>(entries.size());
        for (String e : entries) out.add(Cidr.parse(e));
        return new AddressMatcher(out);
    }

    public boolean matches(InetAddress address) {
        if (address == null) return false;
        for (Cidr c : blocks) {
            if (c.contains(address)) return true;
        }
        return false;
    }

    public List<Cidr> blocks() {
        return blocks;
    }
}

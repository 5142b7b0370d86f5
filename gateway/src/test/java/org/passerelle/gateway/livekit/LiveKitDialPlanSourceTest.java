package org.passerelle.gateway.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import org.junit.jupiter.api.Test;

/** Refreshes keep the last good rules when the server does not answer. */
class LiveKitDialPlanSourceTest {

    /** A SIP API answering what the test sets, or failing. */
    static final class FakeSipApi implements LiveKitSipApi {
        List<SIPInboundTrunkInfo> trunks = new ArrayList<>();
        List<SIPDispatchRuleInfo> rules = new ArrayList<>();
        IOException failure;

        @Override
        public List<SIPInboundTrunkInfo> inboundTrunks() throws IOException {
            if (failure != null) throw failure;
            return trunks;
        }

        @Override
        public List<SIPDispatchRuleInfo> dispatchRules() throws IOException {
            if (failure != null) throw failure;
            return rules;
        }

        @Override
        public String server() {
            return "http://livekit.test";
        }
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodRules() {
        FakeSipApi api = new FakeSipApi();
        LiveKitDialPlanSource source = new LiveKitDialPlanSource(api);
        assertEquals(LiveKitDialPlanSource.State.NEVER_READ, source.state());
        assertTrue(source.current().routes().isEmpty());

        api.trunks.add(LiveKitDialPlanTest.trunk("ST_meet", "+33199000000"));
        api.rules.add(LiveKitDialPlanTest.direct("SDR_a", "conseil", "123456"));
        assertTrue(source.refresh());
        assertEquals(LiveKitDialPlanSource.State.FRESH, source.state());
        LiveKitDialPlan good = source.current();
        assertEquals(1, good.routes().size());

        api.failure = new IOException("ListSIPInboundTrunk answered HTTP 401");
        assertFalse(source.refresh());
        assertSame(good, source.current());
        assertEquals(LiveKitDialPlanSource.State.STALE, source.state());
        assertEquals("ListSIPInboundTrunk answered HTTP 401", source.lastFailure());

        api.failure = null;
        api.rules.clear();
        assertTrue(source.refresh());
        assertTrue(source.current().routes().isEmpty(), "a deleted rule is gone after the next read");
        assertEquals(null, source.lastFailure());
    }

    @Test
    void theHttpBaseOfTheSignalUrl() {
        assertEquals("http://127.0.0.1:7880", LiveKitSipApi.httpBase("ws://127.0.0.1:7880/"));
        assertEquals("https://lk.example.org", LiveKitSipApi.httpBase("wss://lk.example.org"));
        assertEquals("https://lk.example.org", LiveKitSipApi.httpBase("https://lk.example.org"));
    }
}

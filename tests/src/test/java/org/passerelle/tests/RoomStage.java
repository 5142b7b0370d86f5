package org.passerelle.tests;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an end-to-end room test stands on, per test: the tools it needs (checked first, so a missing
 * one says what to install), its work directory, an embedded-defaults gateway, and the peers it
 * starts (phones, browsers), closed newest first after the test, then the gateway.
 *
 * <pre>
 * &#64;RegisterExtension
 * final RoomStage stage = new RoomStage(RequiredTool.CHROMIUM, RequiredTool.BARESIP);
 * ... stage.peer(BaresipPhone.builder("bob", stage.work()).calling(stage.gateway().roomUri("r")).start());
 * </pre>
 */
final class RoomStage implements BeforeEachCallback, AfterEachCallback {
    private final RequiredTool[] tools;
    private final List<AutoCloseable> peers = new ArrayList<>();
    private Path work;
    private TestGateway gateway;

    RoomStage(RequiredTool... tools) {
        this.tools = tools;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        for (RequiredTool t : tools) t.require();
        work = TestDirs.forTest(context);
        gateway = TestGateway.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable peer : peers.reversed()) peer.close();
        peers.clear();
        if (gateway != null) gateway.close();
        gateway = null;
    }

    /** This test's directory: peers keep their logs and recordings there. */
    Path work() {
        return work;
    }

    TestGateway gateway() {
        return gateway;
    }

    /** Closed after the test, before the gateway. */
    <T extends AutoCloseable> T peer(T peer) {
        peers.add(peer);
        return peer;
    }
}

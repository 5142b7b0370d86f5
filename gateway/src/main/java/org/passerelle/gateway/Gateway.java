package org.passerelle.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.Set;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.passerelle.gateway.call.CallServices;
import org.passerelle.gateway.call.CallWarmUp;
import org.passerelle.gateway.call.DialOuts;
import org.passerelle.gateway.livekit.LiveKitDialPlan;
import org.passerelle.gateway.livekit.LiveKitDialPlanSource;
import org.passerelle.gateway.livekit.LiveKitRooms;
import org.passerelle.gateway.livekit.LiveKitSipApi;
import org.passerelle.webrtc.dtls.DtlsCertificate;
import org.passerelle.gateway.http.AdminApi;
import java.util.List;
import org.passerelle.gateway.config.ConfigException;
import org.passerelle.gateway.config.ConfigWatcher;
import org.passerelle.gateway.config.GatewayConfig;
import org.passerelle.gateway.config.Telephony;
import org.passerelle.sip.auth.AttemptLimiter;
import org.passerelle.transcoder.prompt.PromptLibrary;
import org.passerelle.gateway.browser.BrowserSignalling;
import org.passerelle.gateway.browser.WebRtcSessionFactory;
import org.passerelle.gateway.call.CallRegistry;
import org.passerelle.gateway.http.HttpServer;
import org.passerelle.gateway.http.StaticFiles;
import org.passerelle.gateway.media.MediaClock;
import org.passerelle.gateway.media.MediaWarmUp;
import org.passerelle.gateway.room.RoomRegistry;
import org.passerelle.sip.SipConfig;
import org.passerelle.sip.SipServer;
import org.passerelle.transcoder.NanoClock;
import org.passerelle.webrtc.WebRtcConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: SIP, embedded rooms, the media clock, HTTP. Start with
 * {@link #start(GatewaySettings)}; {@link #close()} hangs up every call and stops.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewaySettings settings;
    private final MediaClock clock = new MediaClock();
    private final RoomRegistry rooms;
    private final CallRegistry calls;
    private final BrowserSignalling browsers;
    private final EventLoopGroup httpGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HttpServer http;
    private final AtomicReference<Telephony> telephony;
    private final AttemptLimiter pinLockout;
    private SipServer sip;
    private ConfigWatcher watcher;
    private final LiveKitRooms liveKit;
    private final LiveKitDialPlanSource liveKitDialPlan;
    private final DialOuts dialOuts;

    private Gateway(GatewaySettings settings) {
        this.settings = settings;
        telephony = new AtomicReference<>(settings.telephony());
        Telephony.Ivr ivr = settings.telephony().ivr();
        pinLockout = new AttemptLimiter(ivr.lockFailures(), ivr.lockWindow(), ivr.lockDuration(),
                AttemptLimiter.DEFAULT_MAX_KEYS, Clock.systemUTC());
        rooms = new RoomRegistry(clock::add, clock::remove, settings.roomLimits());
        PromptLibrary prompts = new PromptLibrary(ivr.promptsDir());
        var lk = settings.telephony().livekit();
        liveKit = lk == null ? null : new LiveKitRooms(lk, webRtcConfig(settings), clock,
                settings.telephony().liveKitWaitingPrompt());
        // livekit.dialPlan: the LiveKit server's SIP trunks and dispatch rules (La Suite Meet) route calls too.
        liveKitDialPlan = lk == null || settings.telephony().liveKitDialPlanRefresh() == null ? null
                : LiveKitDialPlanSource.start(
                        LiveKitSipApi.of(lk), settings.telephony().liveKitDialPlanRefresh());
        calls = new CallRegistry(telephony::get, new CallServices(rooms, clock, prompts, pinLockout,
                ivr.digitTimeout(), liveKit), liveKitDialPlan != null ? liveKitDialPlan
                : LiveKitDialPlan::empty);
        browsers = new BrowserSignalling(rooms, WebRtcSessionFactory.of(webRtcConfig(settings)),
                settings.browserTimeout(), NanoClock.SYSTEM);
        dialOuts = new DialOuts(telephony::get, () -> sip, rooms);
        http = new HttpServer(rooms, calls, browsers, StaticFiles.classpath("web/"))
                .withAdmin(new AdminApi(dialOuts, () -> sip == null ? List.of() : sip.registrations(),
                        System.getenv("PASSERELLE_ADMIN_TOKEN")));
    }

    /** ICE on the gateway's bind address; behind NAT, the WebRTC public address, else the SIP one. */
    static WebRtcConfig webRtcConfig(GatewaySettings s) {
        String publicAddress = s.webRtcPublicAddress() != null ? s.webRtcPublicAddress() : s.publicAddress();
        return WebRtcConfig.defaults()
                .withBind(s.bindAddress())
                .withPorts(s.webRtcPortMin(), s.webRtcPortMax())
                .withPublicAddress(publicAddress);
    }

    public static Gateway start(GatewaySettings settings) throws Exception {
        Gateway g = new Gateway(settings);
        try {
            g.startAll();
        } catch (Exception e) {
            g.close();
            throw e;
        }
        return g;
    }

    private void startAll() throws Exception {
        clock.start();
        // The first DTLS certificate costs a second or two: make it now, not during a browser's join.
        Thread.ofVirtual().name("dtls-warmup").start(DtlsCertificate::get);
        // The media path once (codecs, resamplers' tables, mixer), so the first calls do not load it.
        MediaWarmUp.run();
        // The gateway's side of a call (dial plan, Call, rooms) once, so the first INVITEs do not load it.
        CallWarmUp.run(telephony.get(), liveKitDialPlan != null ? liveKitDialPlan.get() : null, settings.roomLimits());
        SipConfig sipConfig = SipConfig.defaults()
                .withBind(settings.bindAddress(), settings.sipPort())
                .withRtpPorts(settings.rtpPortMin(), settings.rtpPortMax())
                .withRtpTimeout(settings.rtpTimeout())
                .withCodecs(settings.codecs())
                .withPublicAddress(settings.publicAddress())
                .withTls(settings.sipTls())
                .withTrunks(settings.telephony().inbound(), settings.telephony().outbound(),
                        settings.telephony().directCalls());
        // Says at once whether LiveKit is usable with this key, and warms the check the first calls make.
        if (liveKit != null) liveKit.checkAtStart();
        sip = new SipServer(sipConfig, calls);
        sip.start();
        http.start(httpGroup, settings.bindAddress(), settings.httpPort());
        log.info("Passerelle ready: SIP on {}:{} (UDP, TCP{}), HTTP on http://{}:{}/", settings.bindAddress(),
                settings.sipPort(), settings.sipTls() == null ? "" : "; TLS on " + settings.sipTls().port(),
                settings.bindAddress(), http.port());
    }

    /** Reloads the telephony config when {@code file} changes or on SIGHUP. */
    public void watchConfig(Path file) throws IOException {
        watcher = new ConfigWatcher(file, () -> reload(file));
    }

    /**
     * Applies a changed config file: trunks and the dial plan take effect for the next call;
     * calls in progress keep what they started with. A broken file is refused whole, with every
     * error logged, and the running config stays.
     *
     * @return whether the new file was applied
     */
    public synchronized boolean reload(Path file) {
        GatewayConfig c;
        try {
            c = AdminCommands.loadChecked(file);
        } catch (ConfigException e) {
            log.error("config refused, the running one stays: {}", e.getMessage());
            return false;
        }
        Telephony t = c.telephony();
        telephony.set(t);
        sip.replaceInboundTrunks(t.inbound(), t.directCalls());
        if (liveKitDialPlan != null) liveKitDialPlan.refreshSoon();
        GatewaySettings next = GatewaySettings.from(c);
        if (!next.withTelephony(settings.telephony()).equals(settings.withTelephony(settings.telephony()))
                || !t.ivr().equals(settings.telephony().ivr()) || !t.outbound().equals(settings.telephony().outbound())
                || !java.util.Objects.equals(t.livekit(), settings.telephony().livekit())) {
            log.warn("{}: changes to listen addresses, ports, codecs, rooms, WebRTC, outbound trunks, LiveKit or the IVR "
                    + "take effect after a restart", file);
        }
        log.info("config reloaded from {}: {} inbound trunks, {} dial-plan rules, {} PIN directories", file,
                t.inbound().size(), t.dialPlan().rules().size(), t.pins().size());
        return true;
    }

    /** The LiveKit dial-plan source (livekit.dialPlan: true), or null. */
    public LiveKitDialPlanSource liveKitDialPlan() { return liveKitDialPlan; }

    /** Dial-outs in progress and recently ended. */
    public DialOuts dialOuts() { return dialOuts; }

    /** The telephony config in force (the last good file). */
    public Telephony telephony() { return telephony.get(); }

    public int sipPort() { return settings.sipPort(); }

    public int httpPort() { return http.port(); }

    /** Names of the rooms open now. */
    public Set<String> roomNames() { return rooms.names(); }

    /** Participants in a room now (0 when the room does not exist). */
    public int participantCount(String room) { return rooms.participantCount(room); }

    /** Calls in progress. */
    public int activeCalls() { return calls.size(); }

    @Override
    public void close() {
        if (watcher != null) watcher.close();
        if (liveKitDialPlan != null) liveKitDialPlan.close();
        if (liveKit != null) liveKit.close();
        calls.hangupAll();
        browsers.close();
        if (sip != null) {
            try {
                sip.close();
            } catch (Exception e) {
                log.warn("SIP shutdown: {}", e.toString());
            }
        }
        http.close();
        httpGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        clock.close();
        log.info("Passerelle stopped");
    }
}

package org.passerelle.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.passerelle.gateway.config.ConfigException;
import org.passerelle.gateway.config.GatewayConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code passerelle run [options]}. Settings come from the embedded defaults,
 * then the config file, then environment variables, then flags: the later one wins.
 */
@Command(name = "passerelle", mixinStandardHelpOptions = true, version = "Passerelle 0.1.0",
        description = "SIP to WebRTC gateway.", subcommands = {Main.Run.class, AdminCommands.ConfigCommand.class,
        AdminCommands.DialPlanCommand.class})
public final class Main {

    public static void main(String[] args) {
        // Netty's leak detector (SIMPLE by default) records a stack trace for one buffer in 128:
        // on the RTP path thousands a minute. Off in production unless asked for
        // (-Dio.netty.leakDetection.level=simple|advanced|paranoid); the tests keep it on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        // ice4j and other Jitsi parts log through java.util.logging: send it to our log.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the gateway (embedded rooms by default).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", description = "YAML config file (env PASSERELLE_CONFIG; default: none, "
                + "embedded defaults).")
        Path config;

        @Option(names = "--bind", description = "Address for SIP, RTP and HTTP (env PASSERELLE_BIND; "
                + "default 0.0.0.0).")
        String bind;

        @Option(names = "--sip-port", description = "SIP port, UDP and TCP (env PASSERELLE_SIP_PORT; default 5060).")
        Integer sipPort;

        @Option(names = "--http-port", description = "HTTP port (env PASSERELLE_HTTP_PORT; default 8080).")
        Integer httpPort;

        @Option(names = "--rtp-ports", description = "RTP port range MIN-MAX (env PASSERELLE_RTP_PORTS; "
                + "default 20000-30000).")
        String rtpPorts;

        @Option(names = "--rtp-timeout", description = "Seconds without RTP before a call is ended, not while "
                + "on hold (env PASSERELLE_RTP_TIMEOUT; default 30).")
        Integer rtpTimeoutSeconds;

        @Override
        public Integer call() throws Exception {
            GatewaySettings settings;
            try {
                settings = settings();
            } catch (ConfigException e) {
                System.err.println("passerelle: " + e.getMessage());
                return 2;
            } catch (IllegalArgumentException e) {
                System.err.println("passerelle: " + e.getMessage());
                return 2;
            }
            Gateway gateway = Gateway.start(settings);
            Path file = config != null ? config : Run.pathEnv("PASSERELLE_CONFIG");
            if (file != null) gateway.watchConfig(file);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gateway.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }

        private GatewaySettings settings() throws ConfigException {
            Path file = config != null ? config : pathEnv("PASSERELLE_CONFIG");
            GatewaySettings s = GatewaySettings.from(file != null ? AdminCommands.loadChecked(file) : GatewayConfig.defaults());
            String b = pick(bind, "PASSERELLE_BIND");
            Integer sip = pickInt(sipPort, "PASSERELLE_SIP_PORT", "--sip-port");
            Integer http = pickInt(httpPort, "PASSERELLE_HTTP_PORT", "--http-port");
            s = s.withBind(b != null ? b : s.bindAddress(), sip != null ? sip : s.sipPort(),
                    http != null ? http : s.httpPort());
            String range = pick(rtpPorts, "PASSERELLE_RTP_PORTS");
            if (range != null) {
                int[] r = GatewayConfig.parseRange(range);
                if (r == null) {
                    throw new IllegalArgumentException("--rtp-ports must be MIN-MAX with 1024 <= MIN < MAX <= 65535, "
                            + "not " + range);
                }
                s = s.withRtpPorts(r[0], r[1]);
            }
            Integer timeout = pickInt(rtpTimeoutSeconds, "PASSERELLE_RTP_TIMEOUT", "--rtp-timeout");
            if (timeout != null) {
                if (timeout < 1) throw new IllegalArgumentException("--rtp-timeout must be at least 1 second");
                s = s.withRtpTimeout(Duration.ofSeconds(timeout));
            }
            return s;
        }

        private static String pick(String flag, String env) {
            if (flag != null) return flag;
            String v = System.getenv(env);
            return v == null || v.isBlank() ? null : v.trim();
        }

        private static Path pathEnv(String env) {
            String v = pick(null, env);
            return v == null ? null : Path.of(v);
        }

        private static Integer pickInt(Integer flag, String env, String option) {
            if (flag != null) return flag;
            String v = pick(null, env);
            if (v == null) return null;
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(env + " (for " + option + ") must be a number, not " + v);
            }
        }
    }
}

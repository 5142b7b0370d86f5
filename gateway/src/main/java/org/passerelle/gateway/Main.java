package org.passerelle.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code passerelle run [options]}. Every option has an environment twin. */
@Command(name = "passerelle", mixinStandardHelpOptions = true, version = "Passerelle 0.1.0",
        description = "SIP to WebRTC gateway.", subcommands = {Main.Run.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the gateway (embedded rooms by default).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--bind", defaultValue = "${env:PASSERELLE_BIND:-0.0.0.0}",
                description = "Address for SIP, RTP and HTTP (default: ${DEFAULT-VALUE}; env PASSERELLE_BIND).")
        String bind;

        @Option(names = "--sip-port", defaultValue = "${env:PASSERELLE_SIP_PORT:-5060}",
                description = "SIP port, UDP and TCP (default: ${DEFAULT-VALUE}; env PASSERELLE_SIP_PORT).")
        int sipPort;

        @Option(names = "--http-port", defaultValue = "${env:PASSERELLE_HTTP_PORT:-8080}",
                description = "HTTP port (default: ${DEFAULT-VALUE}; env PASSERELLE_HTTP_PORT).")
        int httpPort;

        @Option(names = "--config", defaultValue = "${env:PASSERELLE_CONFIG}",
                description = "YAML config file (default: embedded defaults; env PASSERELLE_CONFIG).")
        Path config;

        @Option(names = "--rtp-timeout", defaultValue = "${env:PASSERELLE_RTP_TIMEOUT:-30}",
                description = "Seconds without RTP before a call is ended, not while on hold "
                        + "(default: ${DEFAULT-VALUE}; env PASSERELLE_RTP_TIMEOUT).")
        int rtpTimeoutSeconds;

        @Option(names = "--rtp-ports", defaultValue = "${env:PASSERELLE_RTP_PORTS:-20000-30000}",
                description = "RTP port range MIN-MAX (default: ${DEFAULT-VALUE}; env PASSERELLE_RTP_PORTS).")
        String rtpPorts;

        @Override
        public Integer call() throws Exception {
            if (config != null && !Files.isReadable(config)) {
                System.err.println("passerelle: config file " + config + " cannot be read");
                return 2;
            }
            String[] range = rtpPorts.split("-");
            int min;
            int max;
            try {
                min = Integer.parseInt(range[0].trim());
                max = Integer.parseInt(range[range.length - 1].trim());
            } catch (NumberFormatException e) {
                System.err.println("passerelle: --rtp-ports must be MIN-MAX, e.g. 20000-30000, not " + rtpPorts);
                return 2;
            }
            if (range.length != 2 || min < 1024 || max > 65535 || max - min < 2) {
                System.err.println("passerelle: --rtp-ports must be MIN-MAX within 1024-65535, not " + rtpPorts);
                return 2;
            }
            if (rtpTimeoutSeconds < 1) {
                System.err.println("passerelle: --rtp-timeout must be at least 1 second");
                return 2;
            }
            GatewaySettings settings = new GatewaySettings(bind, sipPort, httpPort, config,
                    Duration.ofSeconds(rtpTimeoutSeconds), min, max);
            Gateway gateway = Gateway.start(settings);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gateway.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }
    }
}

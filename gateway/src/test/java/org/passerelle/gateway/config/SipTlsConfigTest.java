package org.passerelle.gateway.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.sip.sdp.SrtpMode;
import org.passerelle.sip.tls.SelfSignedCertificate;
import org.passerelle.sip.tls.SipTls;
import org.passerelle.sip.tls.TlsCredentials;

class SipTlsConfigTest {
    @TempDir Path dir;

    private Path[] pem(String name) throws Exception {
        TlsCredentials c = SelfSignedCertificate.generate(name, List.of("localhost"), Duration.ofDays(1));
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        SelfSignedCertificate.writePem(c, cert, key);
        return new Path[] {cert, key};
    }

    @Test
    void absentMeansNoTls() throws Exception {
        assertNull(GatewayConfig.parse("t.yaml", "sip: {port: 5060}").sipTls());
        assertNull(GatewayConfig.defaults().sipTls());
    }

    @Test
    void readsPortAndFiles() throws Exception {
        Path[] f = pem("gw");
        GatewayConfig c = GatewayConfig.parse("t.yaml", "sip:\n  tls: {port: 5071, certificate: " + f[0]
                + ", privateKey: " + f[1] + "}\n");
        assertEquals(new SipTls(5071, f[0], f[1]), c.sipTls());
        c = GatewayConfig.parse("t.yaml", "sip:\n  tls: {certificate: " + f[0] + ", privateKey: " + f[1] + "}\n");
        assertEquals(5061, c.sipTls().port());
    }

    @Test
    void everyProblemIsReportedWithItsPathAndFile() throws Exception {
        Path[] a = pem("a");
        Path[] b = pem("b");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml",
                "sip:\n  tls: {port: 5061, certificate: " + a[0] + ", privateKey: " + b[1] + "}\n"));
        assertTrue(e.getMessage().contains("sip.tls.privateKey: " + b[1] + ": does not match the certificate in "
                + a[0]), e.getMessage());

        Path missing = dir.resolve("missing.pem");
        e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml",
                "sip:\n  tls: {certificate: " + missing + ", privateKey: " + a[1] + "}\n"));
        assertTrue(e.getMessage().contains("sip.tls.certificate: " + missing + ": no such file"), e.getMessage());

        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml",
                "sip:\n  tls: {certificate: " + a[0] + ", privateKey: " + junk + "}\n"));
        assertTrue(e.getMessage().contains("sip.tls.privateKey: " + junk + ": not a readable PEM private key"),
                e.getMessage());

        e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml", """
                sip:
                  port: 5070
                  tls: {port: 5070, privateKey: /x/key.pem, cipher: none}
                """));
        assertTrue(e.getMessage().contains("sip.tls.cipher: unknown setting"), e.getMessage());
        assertTrue(e.getMessage().contains("sip.tls.certificate: required"), e.getMessage());
    }

    @Test
    void samePortAsSipIsRefused() throws Exception {
        Path[] f = pem("gw");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml",
                "sip:\n  port: 5070\n  tls: {port: 5070, certificate: " + f[0] + ", privateKey: " + f[1] + "}\n"));
        assertTrue(e.getMessage().contains("sip.tls.port: must differ from sip.port 5070"), e.getMessage());
    }

    @Test
    void tlsTrunksWithSrtpAndTrustedCertificates() throws Exception {
        Path[] gw = pem("gw");
        Path[] peer = pem("peer");
        GatewayConfig c = GatewayConfig.parse("t.yaml", "sip:\n  tls: {certificate: " + gw[0] + ", privateKey: " + gw[1]
                + ", trustedCertificates: " + peer[0] + "}\n"
                + """
                trunks:
                  outbound:
                    - {name: a, proxy: "sbc.example:5061", transport: tls, srtp: mandatory}
                    - {name: b, proxy: sbc.example, transport: tls, srtp: optional}
                    - {name: c, proxy: sbc.example, transport: tls, srtp: off}
                    - {name: d, proxy: sbc.example, transport: tls}
                    - {name: e, proxy: sbc.example}
                """);
        assertEquals(peer[0], c.sipTls().trusted());
        assertEquals(List.of(TlsCredentials.load(peer[0], peer[1]).certificate()), c.sipTls().loadTrusted());
        var out = c.telephony().outbound();
        assertEquals(List.of("tls", "tls", "tls", "tls", "udp"), out.stream().map(t -> t.transport()).toList());
        assertEquals(List.of(SrtpMode.MANDATORY, SrtpMode.OPTIONAL, SrtpMode.OFF, SrtpMode.OFF, SrtpMode.OFF),
                out.stream().map(t -> t.srtp()).toList());
        // Without trustedCertificates: the JDK's CA set.
        c = GatewayConfig.parse("t.yaml", "sip:\n  tls: {certificate: " + gw[0] + ", privateKey: " + gw[1] + "}\n");
        assertNull(c.sipTls().trusted());
        assertEquals(List.of(), c.sipTls().loadTrusted());
    }

    @Test
    void tlsTrunkAndSrtpMistakesAreNamedWithTheirPath() throws Exception {
        Path[] gw = pem("gw");
        Path missing = dir.resolve("ca.pem");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml", """
                trunks:
                  outbound:
                    - {name: a, proxy: sbc.example, transport: udp, srtp: mandatory}
                    - {name: b, proxy: sbc.example, transport: tls}
                    - {name: c, proxy: sbc.example, transport: tls, srtp: sometimes}
                    - {name: d, proxy: sbc.example, transport: sctp}
                """));
        assertEquals(List.of(
                "trunks.outbound[1].transport: tls needs sip.tls (our certificate and TLS port) (line 4)",
                "trunks.outbound[2].transport: tls needs sip.tls (our certificate and TLS port) (line 5)",
                "trunks.outbound[0].srtp: mandatory needs transport: tls (SDES keys travel in the SDP) (line 3)",
                "trunks.outbound[2].srtp: must be off, optional or mandatory, not sometimes (line 5)",
                "trunks.outbound[3].transport: must be udp, tcp or tls, not sctp (line 6)"), e.errors());
        e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml", "sip:\n  tls: {certificate: "
                + gw[0] + ", privateKey: " + gw[1] + ", trustedCertificates: " + missing + "}\n"));
        assertEquals(List.of("sip.tls.trustedCertificates: " + missing + ": no such file (line 2)"), e.errors());
        e = assertThrows(ConfigException.class, () -> GatewayConfig.parse("t.yaml", "sip:\n  tls: {certificate: "
                + gw[0] + ", privateKey: " + gw[1] + ", trustedCertificates: " + gw[1] + "}\n"));
        assertTrue(e.errors().getFirst().startsWith("sip.tls.trustedCertificates: " + gw[1]
                + ": holds something else than certificates"), e.errors().toString());
    }
}

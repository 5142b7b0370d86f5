package org.passerelle.sip.tls;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCredentialsTest {
    @TempDir Path dir;

    @Test
    void loadsWhatWasWrittenAndAChain() throws Exception {
        TestTls t = TestTls.in(dir);
        TlsCredentials c = TlsCredentials.load(t.certificate(), t.privateKey());
        assertEquals(t.credentials().certificate(), c.certificate());
        assertEquals(t.credentials().fingerprint(), c.fingerprint());
        assertTrue(c.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), c.fingerprint());
        assertTrue(c.keyManagers().length > 0);
        // A chain: ours, then an issuer's; the first certificate is ours.
        TlsCredentials other = SelfSignedCertificate.generate("ca", List.of(), Duration.ofDays(1));
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(t.certificate()) + SelfSignedCertificate.pem(other.certificate()));
        TlsCredentials withChain = TlsCredentials.load(chain, t.privateKey());
        assertEquals(2, withChain.chain().size());
        assertEquals(c.certificate(), withChain.certificate());
    }

    @Test
    void missingFilesNameTheSettingAndTheFile() throws Exception {
        TestTls t = TestTls.in(dir);
        TlsFileException e = assertThrows(TlsFileException.class,
                () -> TlsCredentials.load(dir.resolve("nope.pem"), t.privateKey()));
        assertEquals("certificate", e.setting());
        assertEquals("certificate: " + dir.resolve("nope.pem") + ": no such file", e.getMessage());
        e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(t.certificate(), dir.resolve("k.pem")));
        assertEquals("privateKey", e.setting());
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        TestTls t = TestTls.in(dir);
        Path otherDir = Files.createDirectory(dir.resolve("other"));
        TestTls other = TestTls.in(otherDir);
        TlsFileException e = assertThrows(TlsFileException.class,
                () -> TlsCredentials.load(t.certificate(), other.privateKey()));
        assertEquals("privateKey", e.setting());
        assertEquals(other.privateKey(), e.file());
        assertTrue(e.reason().startsWith("does not match the certificate in " + t.certificate()), e.reason());
    }

    @Test
    void garbageAndSwappedFilesAreRefused() throws Exception {
        TestTls t = TestTls.in(dir);
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        TlsFileException e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(junk, t.privateKey()));
        assertEquals("certificate", e.setting());
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "hello\n");
        e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(empty, t.privateKey()));
        assertEquals("no PEM certificate in it", e.reason());
        // Key and certificate given the wrong way round.
        e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(t.privateKey(), t.certificate()));
        assertEquals("certificate", e.setting());
        e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(t.certificate(), t.certificate()));
        assertEquals("privateKey", e.setting());
        assertTrue(e.reason().startsWith("holds no private key"), e.reason());
        e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(t.certificate(), empty));
        assertEquals("no PEM private key in it", e.reason());
    }

    @Test
    void messagesNeverQuoteTheKey() throws Exception {
        TestTls t = TestTls.in(dir);
        String keyText = Files.readString(t.privateKey());
        String body = keyText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        TlsFileException e = assertThrows(TlsFileException.class, () -> TlsCredentials.load(t.privateKey(), t.privateKey()));
        assertFalse(e.getMessage().contains(body.substring(0, 16)), e.getMessage());
    }
}

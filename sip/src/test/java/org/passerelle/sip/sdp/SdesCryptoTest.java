package org.passerelle.sip.sdp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SdesCryptoTest {
    /** 30 bytes: 16 of key, 14 of salt (RFC 4568 §6.2). */
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30});

    private static SdesCrypto usable(String value) {
        SdesCrypto.Parsed p = SdesCrypto.parse(value);
        if (p instanceof SdesCrypto.Usable u) return u.crypto();
        return fail("unusable: " + p);
    }

    private static String reason(String value) {
        SdesCrypto.Parsed p = SdesCrypto.parse(value);
        if (p instanceof SdesCrypto.Unusable u) return u.reason();
        return fail("usable: " + value);
    }

    @Test
    void readsTagSuiteKeyAndSalt() {
        SdesCrypto c = usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY);
        assertEquals(1, c.tag());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_80, c.suite());
        assertEquals(1, c.masterKey()[0]);
        assertEquals(16, c.masterKey().length);
        assertEquals(17, c.masterSalt()[0]);
        assertEquals(14, c.masterSalt().length);
        assertEquals("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY, c.attributeValue());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_32, usable("7 AES_CM_128_HMAC_SHA1_32 inline:" + KEY).suite());
        assertFalse(c.toString().contains(KEY), "toString never shows the key");
    }

    @Test
    void lifetimesWeOutliveAreTaken() {
        usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31");
        usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^48");
        usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2147483648");
        assertEquals(0, usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31").mkiLength());
        // An MKI (RFC 4568 §6.1) of up to 4 bytes: with one key it is only skipped in each packet.
        assertEquals(4, usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^31|1:4").mkiLength());
        assertEquals(1, usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|1:1").mkiLength());
        // Window-size hint and the default key derivation rate change nothing (§6.3).
        usable("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + " WSH=64 KDR=0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', value = {
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20 ~ key lifetime 2^20 is shorter than 2^31 packets",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|1048576 ~ key lifetime 1048576 is shorter than 2^31 packets",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^49 ~ malformed lifetime 2^49",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|forever ~ malformed lifetime forever",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^31|1:5 ~ MKI of 5 bytes not supported (1-4)",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|1:0 ~ MKI of 0 bytes not supported (1-4)",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|1:x ~ malformed MKI 1:x",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|1:4|2^31 ~ lifetime after MKI",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^31|2^40 ~ two lifetimes",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^31|1:1;inline:KEY|2^31|2:1 ~ several keys (needs MKI)",
            "1 AES_256_CM_HMAC_SHA1_80 inline:KEY ~ unknown suite AES_256_CM_HMAC_SHA1_80",
            "1 F8_128_HMAC_SHA1_80 inline:KEY ~ unknown suite F8_128_HMAC_SHA1_80",
            "1 aes_cm_128_hmac_sha1_80 inline:KEY ~ unknown suite aes_cm_128_hmac_sha1_80",
            "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA ~ key and salt are 3 bytes, not 30",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEYAAAA ~ key and salt are 33 bytes, not 30",
            "1 AES_CM_128_HMAC_SHA1_80 inline:%%%% ~ key is not base64",
            "1 AES_CM_128_HMAC_SHA1_80 uri:http://example.org/key ~ key method is not inline",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY UNENCRYPTED_SRTP ~ session parameter UNENCRYPTED_SRTP not supported",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY UNAUTHENTICATED_SRTP ~ session parameter UNAUTHENTICATED_SRTP not supported",
            "1 AES_CM_128_HMAC_SHA1_80 inline:KEY KDR=24 ~ session parameter KDR=24 not supported",
            "x AES_CM_128_HMAC_SHA1_80 inline:KEY ~ tag x is not 1-9 digits",
            "1234567890 AES_CM_128_HMAC_SHA1_80 inline:KEY ~ tag 1234567890 is not 1-9 digits",
            "1 AES_CM_128_HMAC_SHA1_80 ~ needs a tag, a suite and key parameters",
    })
    void whatWeCannotHonourIsUnusableWithTheReason(String value, String why) {
        assertEquals(why, reason(value.replace("KEY", KEY)));
    }

    @Test
    void freshKeysAreRandomAndKeepTagAndSuite() {
        SdesCrypto theirs = usable("3 AES_CM_128_HMAC_SHA1_32 inline:" + KEY);
        SdesCrypto a = theirs.answerWithFreshKey();
        SdesCrypto b = theirs.answerWithFreshKey();
        assertEquals(3, a.tag());
        assertEquals(SrtpSuite.AES_CM_128_HMAC_SHA1_32, a.suite());
        assertNotEquals(a, b);
        assertNotEquals(theirs, a);
        // What we write reads back the same.
        assertEquals(a, usable(a.attributeValue()));
    }

    @Test
    void lifetimeLog2() {
        assertEquals(31, SdesCrypto.lifetimeLog2("2^31"));
        assertEquals(31, SdesCrypto.lifetimeLog2("4294967295"));
        assertEquals(0, SdesCrypto.lifetimeLog2("1"));
        assertNull(SdesCrypto.lifetimeLog2("0"));
        assertNull(SdesCrypto.lifetimeLog2("2^"));
    }
}

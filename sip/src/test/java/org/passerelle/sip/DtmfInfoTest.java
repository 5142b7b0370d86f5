package org.passerelle.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DtmfInfoTest {
    @ParameterizedTest(name = "{0} {1} -> {2}/{3}")
    @CsvSource(delimiter = '|', value = {
            "application/dtmf-relay | Signal=5\\r\\nDuration=160\\r\\n | 5 | 160",
            "application/dtmf-relay | Signal= #\\nDuration= 250      | # | 250",
            "Application/DTMF-Relay | signal=*                       | * | 100",
            "application/dtmf-relay | Signal=10\\r\\nDuration=100     | * | 100",
            "application/dtmf-relay | Signal=11                      | # | 100",
            "application/dtmf-relay | Signal=d\\r\\nDuration=80      | D | 80",
            "application/dtmf       | 7                              | 7 | 100",
            "application/dtmf       | 0\\r\\n                        | 0 | 100",
    })
    void digits(String type, String body, char digit, int duration) {
        assertEquals(new DtmfInfo.Digit(digit, duration), DtmfInfo.parse(type, unescape(body)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/dtmf-relay | Duration=160",
            "application/dtmf-relay | Signal=X",
            "application/dtmf-relay | Signal=16",
            "application/dtmf-relay | Signal=5\\r\\nDuration=long",
            "application/dtmf-relay | Signal=5\\r\\nDuration=-1",
            "application/dtmf       | 55",
            "application/dtmf       | E",
    })
    void malformed(String type, String body) {
        assertInstanceOf(DtmfInfo.Malformed.class, DtmfInfo.parse(type, unescape(body)));
    }

    @Test
    void otherBodiesAndEmptyOnes() {
        assertInstanceOf(DtmfInfo.Unsupported.class, DtmfInfo.parse("application/media_control+xml", "<x/>"));
        assertInstanceOf(DtmfInfo.Unsupported.class, DtmfInfo.parse(null, "5"));
        assertInstanceOf(DtmfInfo.Empty.class, DtmfInfo.parse(null, null));
        assertInstanceOf(DtmfInfo.Empty.class, DtmfInfo.parse("application/dtmf-relay", ""));
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}

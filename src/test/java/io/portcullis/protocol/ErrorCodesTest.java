package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** #12 item 6: every code the gateway emits means one thing; the gateway's own codes avoid those MCP and its SDKs use. */
class ErrorCodesTest {

    @Test
    void item6_everyCodeHasOneName() throws Exception {
        Map<Integer, String> seen = new HashMap<>();
        for (Field f : ErrorCodes.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                String before = seen.put(f.getInt(null), f.getName());
                assertThat(before).as("%s and %s share code %d", before, f.getName(), f.getInt(null)).isNull();
            }
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(13);
    }

    @Test
    void item6_aControlsRefusalIsNotSessionNotFound() {
        assertThat(ErrorCodes.SESSION_NOT_FOUND).isEqualTo(-32001);
        assertThat(ErrorCodes.CONTROL_REFUSED).isEqualTo(-32004);
        // codes with a meaning elsewhere: the SDKs' connection closed (-32000), session not found / request
        // timeout (-32001), the spec's resource not found (-32002), 2026-07-28's -32020..-32022, URL elicitation (-32042)
        for (int taken : new int[] {-32000, -32001, -32002, -32020, -32021, -32022, -32042}) {
            assertThat(ErrorCodes.CONTROL_REFUSED).isNotEqualTo(taken);
            assertThat(ErrorCodes.UPSTREAM_FAILED).isNotEqualTo(taken);
        }
        // implementation-defined server errors live in JSON-RPC's -32000..-32099
        assertThat(ErrorCodes.CONTROL_REFUSED).isBetween(-32099, -32000);
    }
}

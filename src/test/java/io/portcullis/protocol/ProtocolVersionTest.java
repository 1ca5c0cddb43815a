package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Version negotiation for the legacy eras and what each era allows. */
class ProtocolVersionTest {

    @ParameterizedTest
    @CsvSource({"2025-03-26,2025-03-26", "2025-06-18,2025-06-18", "2025-11-25,2025-11-25", "2026-07-28,2025-11-25",
            "2024-11-05,2025-11-25", "'',2025-11-25", "garbage,2025-11-25"})
    void initializeGetsTheAskedVersionOrOurLatestLegacyOne(String asked, String answered) {
        assertThat(ProtocolVersion.negotiateLegacy(asked).id()).isEqualTo(answered);
    }

    @Test
    void onlyTheFirstEraHasBatchesAndOnlyTheLastIsStateless() {
        assertThat(ProtocolVersion.V2025_03_26.allowsBatches()).isTrue();
        assertThat(ProtocolVersion.V2025_06_18.allowsBatches()).isFalse();
        assertThat(ProtocolVersion.V2025_11_25.allowsBatches()).isFalse();
        assertThat(ProtocolVersion.V2026_07_28.isModern()).isTrue();
        assertThat(ProtocolVersion.V2025_11_25.isModern()).isFalse();
        assertThat(ProtocolVersion.ids()).containsExactly("2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28");
    }
}

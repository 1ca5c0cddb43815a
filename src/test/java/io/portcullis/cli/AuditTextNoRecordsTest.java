package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18 (session 10): an unsampled call's own trace id is not indexed, so {@code portcullis audit trace}
 * finds nothing for it; the answer says what to search by instead (the call id of the same log line).
 */
class AuditTextNoRecordsTest {
    @Test
    void noRecordsPointsToTheCallIdSearch() {
        var buf = new ByteArrayOutputStream();
        AuditText.trace("0af7651916cd43dd8448eb211c80319c", List.of(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("No records for request 0af7651916cd43dd8448eb211c80319c")
                .contains("portcullis audit search --call <call-id>");
    }
}

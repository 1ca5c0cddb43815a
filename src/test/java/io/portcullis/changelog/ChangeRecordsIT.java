package io.portcullis.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.Verifier;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #15 item 6 (C7.3), "each entry is also an audit record, so it is tamper-evident": on a running gateway
 * with a real upstream (RugPullServer), the applied configs, the first-sight pins of its tools and the
 * quarantine of a rug-pulled definition are audit records of kinds {@code config}, {@code pin} and
 * {@code quarantine} ({@link ChangeRecords}); every such changelog entry carries its record's chain
 * reference; {@code audit verify} passes; then one quarantine record is changed directly in the database
 * (it now says "pinned") and verify names that record as modified.
 */
class ChangeRecordsIT {
    @TempDir
    Path dir;

    private static String yaml(String... upstreamArgs) {
        return """
                server: {host: 127.0.0.1, port: 0}
                upstreams:
                  rug: {command: %s}
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class, upstreamArgs)));
    }

    @Test
    void item6_pinQuarantineAndConfigEntriesAreAuditRecordsAndTamperingIsFound() throws Exception {
        try (TestGateway gw = TestGateway.start(yaml(), dir, true)) {
            gw.awaitCatalog(c -> c.tool("rug__add").isPresent());
            gw.reload(yaml("--poisoned")); // a new version: a changed definition of add, and a new config
            gw.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());

            List<Changelog.Entry> entries = new Changelog(gw.gateway().store()).read(null, null);
            for (String kind : List.of("config", "pin", "quarantine")) {
                assertThat(entries).as(kind).filteredOn(e -> e.kind().equals(kind)).isNotEmpty()
                        .allSatisfy(e -> assertThat(e.audit()).as(e.toString()).startsWith("audit ").matches("audit \\S+/\\d+ \\S+"));
            }
            assertThat(entries).filteredOn(e -> e.kind().equals("config")).hasSize(2);
            assertThat(entries).filteredOn(e -> e.kind().equals("pin")).extracting(Changelog.Entry::subject)
                    .contains("rug/tool/add", "rug/tool/pull");
            assertThat(entries).filteredOn(e -> e.kind().equals("quarantine")).singleElement()
                    .satisfies(e -> assertThat(e.subject()).isEqualTo("rug/tool/add"));
            assertThat(gw.gateway().audit().verify().intact()).as("before tampering").isTrue();

            // tamper: the quarantine record now says the definition was pinned
            long seq;
            try (Connection c = gw.gateway().store().connection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT seq FROM audit_records WHERE body LIKE '%\"kind\":\"quarantine\"%' ORDER BY seq LIMIT 1");
                     ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    seq = rs.getLong(1);
                }
                try (Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("UPDATE audit_records SET body = REPLACE(body, '\"quarantined\"', '\"pinned\"') "
                            + "WHERE seq = " + seq + " AND body LIKE '%\"kind\":\"quarantine\"%'")).isEqualTo(1);
                }
            }
            Verifier.Report r = gw.gateway().audit().verify();
            assertThat(r.intact()).isFalse();
            assertThat(r.problems()).anySatisfy(p -> {
                assertThat(p.kind()).isEqualTo("modified");
                assertThat(p.seq()).isEqualTo(seq);
            });
        }
    }
}

package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 3, behind ingress (defence in depth, on SQLite and PostgreSQL): the audit writer
 * stores exactly what it hashed, even for values that never came through client ingress
 * (upstream-sourced names, results); and verify, search and export survive a record they cannot
 * read and report every problem, not only the first.
 */
class Hardening03AuditStoreTest {
    @TempDir
    Path dir;
    AuditFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void item3_writerStoresExactlyWhatItHashed(Kind kind) throws Exception {
        f = new AuditFixture(kind, dir);
        ToolEntry t = AuditFixture.tool("demo__bad\ud800name\u0000", true);
        ObjectNode args = Json.object().put("k", "v\udc00");
        args.put("inf", Double.POSITIVE_INFINITY).put("nan", Double.NaN);
        CallContext call = AuditFixture.call("dev", "alice\ud800", t, args, Origin.NONE);
        call.params().putObject("_meta").putObject("io.portcullis/userRequest").put("id", "req-\udfff");
        f.run(call, c -> AuditFixture.text("ok"));
        f.calls("dev", 3);

        assertThat(f.verify().problems()).isEmpty();
        assertThat(f.one("SELECT tool FROM audit_records WHERE seq = 1")).isEqualTo("demo__bad\uFFFDname\uFFFD");
        assertThat(f.one("SELECT request_id FROM audit_records WHERE seq = 1")).isEqualTo("req-\uFFFD");
        // the body is JSON that reads back: search and export return every record
        List<ObjectNode> found = f.log.query().search(AuditQuery.Filter.all());
        assertThat(found).hasSize(4).noneMatch(r -> "unreadable".equals(r.path("kind").asString()));
        List<String> lines = new ArrayList<>();
        f.log.query().export(AuditQuery.Filter.all(), lines::add);
        assertThat(lines).hasSize(found.size()).allSatisfy(l -> assertThat(Json.parse(l).path("kind").asString()).isNotEqualTo("unreadable"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void item3_verifySearchAndExportSurviveAnUnreadableRecordAndReportEveryProblem(Kind kind) throws Exception {
        f = new AuditFixture(kind, dir);
        f.calls("dev", 20);
        assertThat(f.verify().problems()).isEmpty();
        // record 4 as the old writer left it: a bare Infinity in the body, with a hash that matches it
        String body = f.one("SELECT body FROM audit_records WHERE seq = 4");
        String broken = body.replaceFirst("\"query\":\"q\\d+\"", "\"query\":Infinity");
        assertThat(broken).isNotEqualTo(body);
        try (Connection c = f.store.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE audit_records SET body = ?, hash = ? WHERE seq = 4")) {
            ps.setString(1, broken);
            ps.setString(2, Canonical.sha256(broken));
            ps.executeUpdate();
        }
        // and later, real tampering further down the chain: a search column and a record's content
        f.sql("UPDATE audit_records SET subject = 'mallory' WHERE seq = 12",
                "UPDATE audit_records SET body = REPLACE(body, '\"q17\"', '\"q17-changed\"') WHERE seq = 18");

        Verifier.Report r = f.verify();
        assertThat(r.intact()).isFalse();
        assertThat(r.problems()).extracting(Verifier.Problem::seq).contains(4L, 12L, 18L);
        assertThat(r.problems()).filteredOn(p -> p.seq() == 4).first()
                .satisfies(p -> assertThat(p.message()).contains("not valid JSON"));

        List<ObjectNode> found = f.log.query().search(AuditQuery.Filter.all());
        assertThat(found).hasSize(20);
        assertThat(found).filteredOn(x -> "unreadable".equals(x.path("kind").asString())).singleElement()
                .satisfies(x -> assertThat(x.path("chain").path("seq").asLong()).isEqualTo(4));
        List<String> lines = new ArrayList<>();
        long n = f.log.query().export(AuditQuery.Filter.all(), lines::add);
        assertThat(n).isEqualTo(20);
        assertThat(lines).allSatisfy(l -> Json.parse(l)); // every exported line is JSON
    }
}

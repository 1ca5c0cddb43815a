package io.portcullis.it.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #13 "Real servers" (C5.1, C5.2): the real server-filesystem reads a real {@code .env} full of
 * fake secrets and a {@code customers.csv} of fake PII. Read directly (the TypeScript SDK client
 * spawning the server itself) every value comes back; read through the gateway, with the official
 * SDK client that validates structured content against the tool's outputSchema, the secrets and PII
 * are redacted (cards masked to their last digits), the result still satisfies the schema, and the
 * audit record names the classes, counts and places, never the values.
 */
class EgressFilesystemIT {
    static final String AWS_ID = "AKIAZQ3DRSTUVWXYZ234";
    static final String AWS_SECRET = "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";
    static final String GH = "ghp_R2d2C3poL8sk6Wq0Zx9Yb7Vn5Mm3Kk1Jj0Hh";
    static final String DB_PASSWORD = "Tr0ub4dor-and-3";
    static final String STRIPE = "sk_live_51HqWbXe8Lm4Np2Qr7St9Uv";
    static final String CARD = "4242 4242 4242 4242";
    static final String IBAN = "DE89370400440532013000";
    static final String SSN = "219-09-9999";
    static final List<String> SECRETS = List.of(AWS_ID, AWS_SECRET, GH, DB_PASSWORD, STRIPE, "marie.curie@radium-lab.fr",
            "ada@analytical-engines.co.uk", CARD, IBAN, SSN, "(415) 555-2671");
    static Path dir;
    static TestGateway gw;
    static String yaml;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("egress-it").toRealPath();
        Files.writeString(dir.resolve(".env"), """
                AWS_ACCESS_KEY_ID=%s
                AWS_SECRET_ACCESS_KEY=%s
                GITHUB_TOKEN=%s
                DATABASE_URL=postgres://app:%s@db.internal:5432/app
                STRIPE_SECRET_KEY=%s
                LOG_LEVEL=info
                """.formatted(AWS_ID, AWS_SECRET, GH, DB_PASSWORD, STRIPE));
        Files.writeString(dir.resolve("customers.csv"), """
                id,name,email,phone,card,iban,ssn
                1,Marie Curie,marie.curie@radium-lab.fr,(415) 555-2671,%s,%s,%s
                2,Ada Lovelace,ada@analytical-engines.co.uk,+44 20 7946 0958,5555 5555 5555 4444,GB82WEST12345698765432,078-05-1121
                """.formatted(CARD, IBAN, SSN));
        yaml = """
                upstreams:
                  fs:
                    command: %s
                catalog:
                  unlisted: hide
                  upstreams:
                    fs: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    fs__read_text_file:
                      purpose: Read a file.
                      risk: read_only
                      constraints: {path: {path_roots: ["%s"]}}
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-filesystem", dir.toString())), dir);
        gw = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    static String args(String file) {
        return "{\"path\":\"" + dir.resolve(file) + "\"}";
    }

    JsonNode direct(String file) {
        List<String> cmd = new ArrayList<>(List.of("fs__read_text_file".replace("fs__", ""), args(file)));
        cmd.addAll(NpmPeers.command("mcp-server-filesystem", dir.toString()));
        return Peers.nodeScript("sdk1-stdio-call.mjs", Peers.workDir(EgressFilesystemIT.class), Duration.ofMinutes(2),
                cmd.toArray(String[]::new)).ok();
    }

    JsonNode gateway(String file) {
        return Peers.nodeScript("sdk1-call-validated.mjs", Peers.workDir(EgressFilesystemIT.class), Duration.ofMinutes(2),
                gw.url().toString(), "fs__read_text_file", args(file)).ok();
    }

    @Test
    void c51_directlyTheServerReturnsEverySecretAndPiiValue() {
        String env = direct(".env").toString();
        String csv = direct("customers.csv").toString();
        for (String s : List.of(AWS_ID, AWS_SECRET, GH, DB_PASSWORD, STRIPE)) {
            assertThat(env).contains(s);
        }
        assertThat(csv).contains("marie.curie@radium-lab.fr", CARD, IBAN, SSN, "(415) 555-2671");
    }

    @Test
    void c52_throughTheGatewayTheyAreRedactedAndTheResultStillSatisfiesTheSchema() throws Exception {
        JsonNode env = gateway(".env");
        JsonNode csv = gateway("customers.csv");
        assertThat(env.has("error")).as(env.toString()).isFalse(); // the SDK validated structuredContent against the outputSchema
        assertThat(csv.has("error")).as(csv.toString()).isFalse();
        String all = env.toString() + csv;
        for (String s : SECRETS) {
            assertThat(all).doesNotContain(s);
        }
        assertThat(env.path("result").path("structuredContent").path("content").asString())
                .contains("AWS_ACCESS_KEY_ID=[REDACTED:secret.aws-access-key-id]", "GITHUB_TOKEN=[REDACTED:secret.github-token]",
                        "postgres://app:[REDACTED:secret.url-password]@db.internal", "LOG_LEVEL=info");
        assertThat(csv.path("result").path("content").get(0).path("text").asString())
                .contains("[REDACTED:pii.email]", "**** **** **** 4242", "[REDACTED:pii.iban]", "[REDACTED:pii.us-ssn]",
                        "[REDACTED:pii.phone]", "Marie Curie");
        String audit = auditOf(gw);
        assertThat(audit).contains("pii.email x2 at /structuredContent/content: redact",
                "pii.payment-card x2 at /content/0/text: mask", "secret.aws-access-key-id x1 at /content/0/text: redact");
        for (String s : SECRETS) {
            assertThat(audit).doesNotContain(s);
        }
    }

    @Test
    void c52_blockTurnsTheWholeResultIntoAnErrorNamingTheControlAndClassesNeverTheValues() throws Exception {
        try (TestGateway blocking = TestGateway.start(yaml + "egress:\n  actions: {secret.*: block}\n")) {
            JsonNode out = Peers.nodeScript("sdk1-call-validated.mjs", Peers.workDir(EgressFilesystemIT.class), Duration.ofMinutes(2),
                    blocking.url().toString(), "fs__read_text_file", args(".env")).ok();
            JsonNode result = out.path("result");
            assertThat(result.path("isError").asBoolean()).as(out.toString()).isTrue();
            assertThat(result.path("content").get(0).path("text").asString()).contains("egress", "secret.aws-access-key-id",
                    "secret.github-token");
            for (String s : SECRETS) {
                assertThat(out.toString()).doesNotContain(s);
            }
            assertThat(auditOf(blocking)).contains("secret.github-token x1 at /content/0/text: block").doesNotContain(GH);
            // PII in the CSV is still only redacted: block is per class
            JsonNode csv = Peers.nodeScript("sdk1-call-validated.mjs", Peers.workDir(EgressFilesystemIT.class), Duration.ofMinutes(2),
                    blocking.url().toString(), "fs__read_text_file", args("customers.csv")).ok();
            assertThat(csv.path("result").path("isError").asBoolean(false)).isFalse();
            assertThat(csv.toString()).contains("[REDACTED:pii.email]").doesNotContain("marie.curie@radium-lab.fr");
        }
    }

    /** Every audit record of the gateway's store, as text. */
    static String auditOf(TestGateway gw) throws Exception {
        StringBuilder b = new StringBuilder();
        for (var r : gw.gateway().audit().query().search(io.portcullis.audit.AuditQuery.Filter.all())) {
            b.append(r).append('\n');
        }
        return b.toString();
    }
}

package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 23: the README says that every command in it is run by a test that checks what its
 * text promises. This test reads the README, finds every {@code ./portcullis ...} command in it
 * (code blocks and inline code) that can run to completion (not {@code serve}, {@code stdio},
 * {@code connect}, nor the command table's placeholders), runs each exactly as written from a copy
 * of the project's layout ({@code ./portcullis} launching the built jar, {@code examples/} copied)
 * and checks what the README says it does. A README command this test does not know fails it.
 * It then follows the demo-ready walkthrough the README and examples/demo-ready.yaml describe:
 * serve, create a key, call with it.
 */
class Hardening23ReadmeCommandsIT {
    private static final Pattern COMMAND = Pattern.compile("\\./portcullis [^`\\n]+");

    /** Every runnable {@code ./portcullis} command of the README, in order, comments stripped. */
    static List<String> readmeCommands() throws IOException {
        String readme = Files.readString(Peers.root().resolve("README.md"));
        Set<String> out = new LinkedHashSet<>();
        Matcher m = COMMAND.matcher(readme);
        while (m.find()) {
            String cmd = m.group().replaceFirst("\\s+#.*$", "").strip();
            boolean placeholder = cmd.matches(".*(\\[|\\||<|\\.\\.\\.| F\\b| R\\b| E\\b| S\\b| T\\b| X\\b| P\\b).*");
            String verb = cmd.split("\\s+")[1];
            if (placeholder || Set.of("serve", "stdio", "connect").contains(verb)) {
                continue;
            }
            out.add(cmd);
        }
        return List.copyOf(out);
    }

    /** A directory laid out like the project root for a newcomer: ./portcullis and examples/. */
    static Path newcomerDir(Class<?> test) {
        Path work = Peers.workDir(test);
        Peers.copyExamples(work);
        Path launcher = work.resolve("portcullis");
        try {
            Files.writeString(launcher, "#!/bin/sh\nexec '" + Peers.java() + "' --enable-native-access=ALL-UNNAMED -jar '"
                    + Peers.jar() + "' \"$@\"\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return work;
    }

    static Peers.Result sh(Path work, String command) {
        return Peers.run(List.of("/bin/sh", "-c", command), work, Duration.ofSeconds(180));
    }

    @Test
    void item23_everyReadmeCommandDoesWhatTheReadmeSays() throws Exception {
        Path work = newcomerDir(Hardening23ReadmeCommandsIT.class);
        List<String> commands = readmeCommands();
        List<String> known = List.of(
                "./portcullis catalog list",
                "./portcullis check --config examples/everything.yaml",
                "./portcullis readiness --env dev",
                "./portcullis audit keygen --out data/audit.key",
                "./portcullis version",
                "./portcullis audit keygen --out examples/data/demo-ready/audit.key",
                "./portcullis readiness --config examples/demo-ready.yaml --env dev",
                "./portcullis keys create --config examples/demo-ready.yaml --role support-bot --env dev --expires 30d",
                "./portcullis policy test --config examples/demo-ready.yaml examples/policy-cases.yaml",
                "./portcullis demo-config > demo.yaml");
        // a command added to the README must be added here, with what its text promises
        assertThat(known).containsAll(commands);
        assertThat(commands).as("the README's runnable commands").hasSizeGreaterThanOrEqualTo(6);

        // "`./portcullis catalog list` prints the inventory: owner, purpose, risk class and where the class came from,
        //  environments, raw-export status (C2.1–C2.4)"
        Peers.Result catalog = sh(work, "./portcullis catalog list");
        assertThat(catalog.exit()).as(catalog.stderr()).isZero();
        assertThat(catalog.stdout()).contains("OWNER", "PURPOSE", "RISK", "FROM", "ENVIRONMENTS", "EXPORT")
                .contains("demo__search_tickets").contains("Let assistants find existing tickets before filing new ones.")
                .contains("support-platform");
        assertThat(catalog.stdout().lines().filter(l -> l.startsWith("demo__delete_project")).findFirst().orElseThrow())
                .contains("irreversible").contains("catalog").contains("dev").doesNotContain("prod");

        // "validates a config and prints every problem with file and line" (none: exit 0)
        Peers.Result check = sh(work, "./portcullis check --config examples/everything.yaml");
        assertThat(check.exit()).as(check.stdout() + check.stderr()).isZero();

        // "Every checklist line comes back PASS, FAIL or N/A with its evidence, and each failure with the command or
        //  config lines that fix it. For example C4.2" — the demo is read-only until sections 1-4 pass
        Peers.Result demo = sh(work, "./portcullis readiness --env dev");
        assertThat(demo.exit()).isZero();
        assertThat(demo.stdout()).contains("FAIL C4.2").contains("no audit.signing_key configured")
                .contains("./portcullis audit keygen --out data/audit.key").contains("retention: {dev: 400d}")
                .contains("Gate CLOSED");

        // the fix the report prints for C4.2 (shown in the README) works as printed
        Peers.Result fix = sh(work, "./portcullis audit keygen --out data/audit.key");
        assertThat(fix.exit()).as(fix.stderr()).isZero();
        assertThat(work.resolve("data/audit.key")).exists();

        // "the built-in demo's config as a file to change, then serve --config demo.yaml": the copy is a valid config
        Peers.Result copy = sh(work, "./portcullis demo-config > demo.yaml");
        assertThat(copy.exit()).as(copy.stderr()).isZero();
        Peers.Result checkCopy = sh(work, "./portcullis check --config demo.yaml");
        assertThat(checkCopy.exit()).as(checkCopy.stdout() + checkCopy.stderr()).isZero();

        // "version and MCP protocol versions spoken"
        Peers.Result version = sh(work, "./portcullis version");
        assertThat(version.exit()).isZero();
        assertThat(version.stdout()).startsWith("portcullis ").contains("MCP protocol versions: ").contains("2025-11-25");

        // the walkthrough with examples/demo-ready.yaml, in the README's order
        Peers.Result keygen = sh(work, "./portcullis audit keygen --out examples/data/demo-ready/audit.key");
        assertThat(keygen.exit()).as(keygen.stderr()).isZero();
        assertThat(work.resolve("examples/data/demo-ready/audit.key")).exists();
        Peers.Result ready = sh(work, "./portcullis readiness --config examples/demo-ready.yaml --env dev");
        assertThat(ready.exit()).as(ready.stderr()).isZero();
        assertThat(ready.stdout()).contains("Gate open: sections 1-4 pass"); // the README's comment on that line

        // the policy of the example is code with tests (its header comment)
        Peers.Result cases = sh(work, "./portcullis policy test --config examples/demo-ready.yaml examples/policy-cases.yaml");
        assertThat(cases.exit()).as(cases.stdout() + cases.stderr()).isZero();
        assertThat(cases.stdout()).containsPattern("\\d+ cases, \\d+ passed, 0 failed");

        // #13 item 7: the data-handling document of the example's egress block (its comment), C5.4 derived from it
        Peers.Result doc = sh(work, "./portcullis data-policy --config examples/demo-ready.yaml --env dev");
        assertThat(doc.exit()).as(doc.stderr()).isZero();
        assertThat(doc.stdout()).contains("## Environment `dev`").contains("| `secret.github-token` | redact")
                .contains("- `pii.email`: demo__search_tickets").contains("kept for 30d").doesNotContain("Incomplete");

        try (GatewayProcess gw = GatewayProcess.start(work.resolve("examples/demo-ready.yaml"), work)) {
            Peers.Result key = sh(work, "./portcullis keys create --config examples/demo-ready.yaml --role support-bot --env dev --expires 30d");
            assertThat(key.exit()).as(key.stderr()).isZero();
            String secret = key.stdout().lines().filter(l -> l.startsWith("pcl_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no key printed: " + key.stdout()));

            // "Calls now need the printed API key (Authorization: Bearer pcl_...)"
            WireReply anonymous = BearerSession.initialize(gw.url(), null);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(BearerSession.initialize(gw.url(), "pcl_not-a-key").status()).isEqualTo(401);

            BearerSession s = BearerSession.open(gw.url(), secret);
            JsonNode tools = s.request("tools/list", null).path("result").path("tools");
            List<String> names = new ArrayList<>();
            tools.forEach(t -> names.add(t.path("name").asString()));
            assertThat(names).contains("demo__echo", "demo__search_tickets", "demo__create_ticket", "demo__delete_project");
            // "when sections 1-4 all pass in an environment its gate opens and demo__create_ticket may be called there"
            ObjectNode created = s.call("demo__create_ticket", Json.object().put("project", "acme-web").put("title", "Login fails"));
            assertThat(created.path("isError").asBoolean(false)).as(created.toString()).isFalse();
            // the catalog allows only acme-* projects (C2.3): refused before the upstream sees it, naming the control
            ObjectNode other = s.call("demo__search_tickets", Json.object().put("project", "other").put("query", "login"));
            assertThat(other.path("isError").asBoolean(false)).isTrue();
            assertThat(other.toString()).contains("arguments");

            // "The toxic flow stopped" (#13 items 4, 5): customer data, then untrusted content, then an egress
            // tool in a new session: approval needed, naming the chain rules and the labels' calls
            BearerSession first = BearerSession.open(gw.url(), secret);
            assertThat(first.call("demo__lookup_customer", Json.object().put("customer_id", "c-7")).path("isError").asBoolean(false)).isFalse();
            assertThat(first.call("demo__fetch_page", Json.object().put("url", "https://example.org")).path("isError").asBoolean(false)).isFalse();
            BearerSession fresh = BearerSession.open(gw.url(), secret);
            ObjectNode sent = fresh.call("demo__send_email", Json.object().put("to", "x@example.net").put("subject", "hi").put("body", "b"));
            assertThat(sent.path("isError").asBoolean(false)).as(sent.toString()).isTrue();
            assertThat(sent.toString()).contains("approval", "chain.untrusted-then-egress", "chain.private-then-external-egress",
                    "customer-data (call ", "untrusted (call ").doesNotContain("would send");
        }
    }
}

package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** #19 item 1: sealed session ids open on every node with the cluster key, and on no other; the attacks first. */
class SessionSealTest {
    private static final ClusterKey KEY = ClusterKey.of("a cluster key of at least thirty-two bytes!".getBytes(StandardCharsets.UTF_8));
    private static final ClusterKey OTHER = ClusterKey.of("another cluster's key, also 32+ bytes long".getBytes(StandardCharsets.UTF_8));
    private static final Principal ALICE = new Principal("alice", Principal.Kind.USER, "Alice", List.of("dev"), "app", "default",
            "jwt", "t1", null, "https://idp.example", null, List.of());

    @TempDir
    Path dir;

    private static String sealed(ClusterKey key) {
        ObjectNode caps = Json.object();
        caps.putObject("sampling");
        caps.putObject("elicitation").putObject("form");
        return new SessionSeal(key).seal("default", ProtocolVersion.negotiateLegacy("2025-06-18"), caps,
                Json.object().put("name", "claude").put("version", "1.2"), ALICE);
    }

    @Test
    void anotherNodeWithTheSameKeyOpensWhatTheIdCarries() {
        String id = sealed(KEY);
        assertThat(id).startsWith(SessionSeal.PREFIX).matches("[\\x21-\\x7E]+"); // visible ASCII, as the spec requires of a session id
        SessionSeal.Opened o = new SessionSeal(KEY).open(id); // a second instance: another node
        assertThat(o.refusal()).isNull();
        SessionSeal.Sealed s = o.sealed();
        assertThat(s.environment()).isEqualTo("default");
        assertThat(s.version().id()).isEqualTo("2025-06-18");
        assertThat(s.capabilities().has("sampling")).isTrue();
        assertThat(s.capabilities().path("elicitation").has("form")).isTrue();
        assertThat(s.clientInfo().path("name").asString()).isEqualTo("claude");
        assertThat(s.boundTo(ALICE)).isTrue();
        assertThat(s.boundTo(new Principal("mallory", Principal.Kind.USER, "M", List.of(), null, "default", "jwt", null, null,
                "https://idp.example", null, List.of()))).as("another principal").isFalse();
        assertThat(s.boundTo(new Principal("alice", Principal.Kind.USER, "A", List.of(), null, "default", "jwt", null, null,
                "https://other-idp.example", null, List.of()))).as("same subject, another issuer").isFalse();
        assertThat(s.boundTo(new Principal("alice", Principal.Kind.SERVICE, "A", List.of(), null, "default", "api_key", null, null,
                "https://idp.example", null, List.of()))).as("same subject, another kind").isFalse();
        assertThat(sealed(KEY)).as("two sessions never share an id").isNotEqualTo(id);
    }

    @Test
    void aTamperedIdDoesNotAuthenticate() {
        String id = sealed(KEY);
        int at = id.length() - 10;
        String tampered = id.substring(0, at) + (id.charAt(at) == 'A' ? 'B' : 'A') + id.substring(at + 1);
        assertThat(new SessionSeal(KEY).open(tampered).refusal()).isEqualTo(SessionSeal.Refusal.FORGED);
    }

    @Test
    void aForgedIdWithOurKeyIdButNoKeyDoesNotAuthenticate() {
        String id = sealed(KEY);
        String kid = id.split("\\.")[1];
        byte[] junk = new byte[200];
        String forged = SessionSeal.PREFIX + kid + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(junk);
        assertThat(new SessionSeal(KEY).open(forged).refusal()).isEqualTo(SessionSeal.Refusal.FORGED);
    }

    @Test
    void anIdFromAnotherClusterIsNamedAsSuch() {
        SessionSeal.Opened o = new SessionSeal(KEY).open(sealed(OTHER));
        assertThat(o.refusal()).isEqualTo(SessionSeal.Refusal.OTHER_CLUSTER);
        assertThat(o.refusal().why).contains("another Portcullis cluster");
    }

    @Test
    void garbageIsMalformedNeverAnException() {
        SessionSeal seal = new SessionSeal(KEY);
        for (String bad : List.of("", "pcs1.", "pcs1..", "pcs1.x.y.z", "pcs1.abc.!!!", "pcs1.abc.AAAA", "0123456789abcdef",
                "pcs1." + "A".repeat(7000))) {
            assertThat(seal.open(bad).refusal()).as(bad).isEqualTo(SessionSeal.Refusal.MALFORMED);
        }
    }

    @Test
    void hugeClientInfoAndCapabilitiesAreCutToWhatTheGatewayReads() {
        ObjectNode caps = Json.object();
        caps.putObject("roots").put("listChanged", true);
        caps.putObject("experimental").put("blob", "x".repeat(5000));
        ObjectNode info = Json.object().put("name", "big").put("version", "1").put("icons", "y".repeat(5000));
        String id = new SessionSeal(KEY).seal("default", ProtocolVersion.negotiateLegacy("2025-11-25"), caps, info, ALICE);
        assertThat(id.length()).isLessThan(SessionSeal.MAX_ID);
        SessionSeal.Sealed s = new SessionSeal(KEY).open(id).sealed();
        assertThat(s.capabilities().has("roots")).isTrue();
        assertThat(s.clientInfo().path("name").asString()).isEqualTo("big");
        assertThat(s.clientInfo().has("icons")).isFalse();
    }

    @Test
    void theKeyComesFromAFileOrAVariableAndAnUnusableOneStopsTheStart() throws Exception {
        Path f = Files.writeString(dir.resolve("cluster.key"), "  0123456789abcdef0123456789abcdef-secret \n");
        ClusterKey fromFile = ClusterKey.load(Map.of(ClusterKey.FILE_VARIABLE, f.toString()));
        ClusterKey fromVar = ClusterKey.load(Map.of(ClusterKey.VARIABLE, "0123456789abcdef0123456789abcdef-secret"));
        assertThat(fromFile.shared()).isTrue();
        assertThat(new SessionSeal(fromVar).open(sealed(fromFile)).refusal()).as("same secret, same key").isNull();
        assertThatThrownBy(() -> ClusterKey.load(Map.of(ClusterKey.VARIABLE, "short")))
                .hasMessageContaining(ClusterKey.VARIABLE).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> ClusterKey.load(Map.of(ClusterKey.FILE_VARIABLE, dir.resolve("missing").toString())))
                .hasMessageContaining(ClusterKey.FILE_VARIABLE);
        assertThat(ClusterKey.load(Map.of()).shared()).as("no key: one node's own").isFalse();
    }

    @Test
    void theKeyDocsOperationsClusterMdMakesWithOpensslIsAccepted() throws Exception {
        // docs/operations/cluster.md: openssl rand -base64 48 > cluster.key; PORTCULLIS_CLUSTER_KEY_FILE=... portcullis serve
        Path f = dir.resolve("cluster.key");
        Process p = new ProcessBuilder("sh", "-c", "openssl rand -base64 48 > " + f).start();
        assertThat(p.waitFor()).isZero();
        ClusterKey k = ClusterKey.load(Map.of(ClusterKey.FILE_VARIABLE, f.toString()));
        assertThat(k.shared()).isTrue();
        assertThat(new SessionSeal(ClusterKey.load(Map.of(ClusterKey.FILE_VARIABLE, f.toString()))).open(sealed(k)).refusal()).isNull();
    }

    @Test
    void requestStatesOfOneNodeVerifyOnAnotherWithTheClusterKeyOnly() {
        RequestStates a = new RequestStates(KEY);
        RequestStates b = new RequestStates(KEY);
        RequestStates other = new RequestStates(OTHER);
        RequestStates.Binding binding = new RequestStates.Binding("iss", "alice", "USER", "default", "tools/call", "t", "d");
        String state = a.issue(a.newId(), binding);
        RequestStates.Parsed parsed = RequestStates.parse(state);
        assertThat(b.verify(parsed, binding)).isTrue();
        assertThat(other.verify(parsed, binding)).isFalse();
    }
}

package io.portcullis.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.peers.Peers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * #19 item 4: the Kubernetes manifests (deploy/k8s: a kustomize base and a production overlay) are
 * rendered with {@code kubectl kustomize}, as an operator would before {@code kubectl apply -k}, and
 * checked for the essentials: probes on /livez and /readyz, a non-root read-only container with
 * resources, no {@code latest} or missing tag, a PodDisruptionBudget and a Service selecting the
 * Deployment's pods, the ConfigMap, Secret references for the audit signing key and the KEK, a
 * NetworkPolicy, and a termination grace longer than the gateway's drain grace.
 */
class KubernetesManifestsIT {
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    static Map<String, JsonNode> render(String dir) throws Exception {
        Peers.Result r = Peers.run(List.of("kubectl", "kustomize", Peers.root().resolve(dir).toString()),
                Peers.workDir(KubernetesManifestsIT.class), Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.stderr()).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readValues(YAML.createParser(r.stdout()), JsonNode.class)) {
            it.forEachRemaining(docs::add);
        }
        return docs.stream().collect(Collectors.toMap(d -> d.path("kind").asString(), d -> d));
    }

    @Test
    void item4_baseRendersWithProbesNonRootResourcesAndNoLatestTag() throws Exception {
        check(render("deploy/k8s/base"), 3, "");
    }

    @Test
    void item4_productionOverlayRendersInItsNamespaceWithMoreNodes() throws Exception {
        Map<String, JsonNode> out = render("deploy/k8s/overlays/production");
        check(out, 4, "portcullis");
        out.values().forEach(d -> assertThat(d.path("metadata").path("namespace").asString()).isEqualTo("portcullis"));
        JsonNode res = out.get("Deployment").at("/spec/template/spec/containers/0/resources");
        assertThat(res.at("/requests/cpu").asString()).isEqualTo("1");
        assertThat(res.at("/limits/memory").asString()).isEqualTo("2Gi");
    }

    private static void check(Map<String, JsonNode> out, int replicas, String namespace) {
        assertThat(out).containsKeys("Deployment", "Service", "PodDisruptionBudget", "ConfigMap", "NetworkPolicy");
        JsonNode dep = out.get("Deployment");
        assertThat(dep.at("/spec/replicas").asInt()).isEqualTo(replicas);
        JsonNode pod = dep.at("/spec/template/spec");
        JsonNode c = pod.at("/containers/0");
        // probes: alive (no dependency, so a PostgreSQL outage does not restart every pod) and ready
        assertThat(c.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/livez");
        assertThat(c.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/readyz");
        // non-root, read-only root, no privilege escalation, resources
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(c.at("/resources/requests/cpu").isMissingNode()).isFalse();
        assertThat(c.at("/resources/requests/memory").isMissingNode()).isFalse();
        assertThat(c.at("/resources/limits/memory").isMissingNode()).isFalse();
        // an explicit tag that is not latest
        String image = c.path("image").asString();
        assertThat(image).matches(".+:[^:/]+$").doesNotEndWith(":latest");
        // the drain finishes before Kubernetes kills the pod
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(20);
        assertThat(out.get("ConfigMap").at("/data/portcullis.yaml").asString()).contains("drain_grace: 20s");
        // secrets are referenced, never inlined: the audit signing key and the KEK
        String podText = pod.toString();
        assertThat(podText).contains("\"secretName\":\"portcullis-audit-key\"", "\"name\":\"portcullis-kek\"");
        assertThat(out).doesNotContainKey("Secret");
        // the config map the pods mount is the one rendered (its hashed name)
        assertThat(podText).contains(out.get("ConfigMap").at("/metadata/name").asString());
        // the PDB and the Service select the Deployment's pods
        JsonNode labels = dep.at("/spec/template/metadata/labels");
        out.get("PodDisruptionBudget").at("/spec/selector/matchLabels").properties()
                .forEach(e -> assertThat(labels.path(e.getKey()).asString()).isEqualTo(e.getValue().asString()));
        assertThat(out.get("PodDisruptionBudget").at("/spec/minAvailable").asInt()).isLessThan(replicas);
        out.get("Service").at("/spec/selector").properties()
                .forEach(e -> assertThat(labels.path(e.getKey()).asString()).isEqualTo(e.getValue().asString()));
        assertThat(out.get("NetworkPolicy").at("/spec/policyTypes").toString()).contains("Ingress", "Egress");
        assertThat(out.get("NetworkPolicy").at("/spec/podSelector/matchLabels").properties()).isNotEmpty();
        assertThat(namespace.isEmpty() || dep.at("/metadata/namespace").asString().equals(namespace)).isTrue();
    }
}

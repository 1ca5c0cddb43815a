package io.portcullis.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.peers.Peers;
import io.portcullis.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #19 item 4: {@code scripts/image} builds the container image on this machine from Debian's
 * packages, a jlink-ed runtime and the jar (no image pulled); podman runs it as a non-root user on a
 * read-only root filesystem, {@code /healthz} answers through the published port, and {@code podman
 * stop} (SIGTERM) ends it with exit 0. The image is cached by the jar's hash (a rebuild of the same
 * jar takes seconds). The flags are those of docs/operations/cluster.md: runc (crun refuses this
 * machine's hybrid cgroup layout) and explicit ulimits (podman's defaults raise RLIMIT_NOFILE above
 * what this VM allows).
 */
class ImageIT {
    /** The run flags that docs/operations/cluster.md gives (this sandbox's evidence is written there). */
    static final List<String> RUN = List.of("podman", "--runtime", "runc", "run", "-d", "--read-only", "--tmpfs", "/tmp",
            "--ulimit", "nofile=8192:8192", "--ulimit", "nproc=4096:4096");

    @Test
    void item4_imageBuiltHereRunsNonRootOnReadOnlyRootAndAnswersHealthz() throws Exception {
        Path dir = Peers.workDir(ImageIT.class);
        Peers.Result build = Peers.run(List.of(Peers.root().resolve("scripts/image").toString(), Peers.jar().toString()),
                dir, Duration.ofMinutes(6));
        assertThat(build.exit()).as(build.stderr()).isZero();
        String image = build.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(image).startsWith("localhost/portcullis:").doesNotContain("latest");

        // the image's own settings: a non-root user, the jar run by the jlink-ed runtime
        Peers.Result inspect = Peers.run(List.of("podman", "image", "inspect", "--format",
                "{{.Config.User}}|{{json .Config.Entrypoint}}", image), dir, Duration.ofSeconds(60));
        assertThat(inspect.stdout().strip()).startsWith("10001:10001|").contains("/opt/java/bin/java", "/opt/portcullis/portcullis.jar");

        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("portcullis.yaml"), "server: {host: 0.0.0.0, port: 8080, data_dir: /var/lib/portcullis}\n");
        config.toFile().setReadable(true, false);
        config.resolve("portcullis.yaml").toFile().setReadable(true, false);
        int port = Peers.freePort();
        List<String> run = new ArrayList<>(RUN);
        run.addAll(List.of("-v", config + ":/etc/portcullis:ro", "-p", "127.0.0.1:" + port + ":8080", image));
        Peers.Result started = Peers.run(run, dir, Duration.ofSeconds(90));
        assertThat(started.exit()).as(started.stderr()).isZero();
        String id = started.stdout().strip();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build();
            String body = Eventually.eventually(Duration.ofSeconds(90), () -> {
                HttpResponse<String> r = http.send(healthz, HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body() : null;
            }, b -> b != null);
            assertThat(body).contains("\"status\":\"ok\"", "\"store\":\"ok\"");

            // non-root, and the root filesystem cannot be written (the data directory is a volume)
            Peers.Result who = Peers.run(List.of("podman", "exec", id, "/opt/java/bin/java", "-XshowSettings:properties",
                    "-version"), dir, Duration.ofSeconds(60));
            assertThat(who.stderr()).contains("user.name = portcullis");
            Peers.Result state = Peers.run(List.of("podman", "inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", id),
                    dir, Duration.ofSeconds(30));
            assertThat(state.stdout().strip()).isEqualTo("true");

            // SIGTERM drains and exits 0
            Peers.Result stop = Peers.run(List.of("podman", "stop", "-t", "30", id), dir, Duration.ofSeconds(60));
            assertThat(stop.exit()).as(stop.stderr()).isZero();
            Peers.Result exit = Peers.run(List.of("podman", "inspect", "--format", "{{.State.ExitCode}}", id), dir, Duration.ofSeconds(30));
            assertThat(exit.stdout().strip()).isEqualTo("0");
        } finally {
            Peers.Result logs = Peers.run(List.of("podman", "logs", id), dir, Duration.ofSeconds(30));
            Files.writeString(dir.resolve("container.log"), logs.stdout() + logs.stderr());
            Peers.run(List.of("podman", "rm", "-f", "-v", id), dir, Duration.ofSeconds(60));
        }
    }
}

package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.NpmPeers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an admin page's browser script (test-support/*-page.mjs, headless Chromium) for the page ITs. */
final class BrowserScript {
    private BrowserScript() {}

    /** Runs test-support/{@code script} with {@code env}; returns its output after asserting it exited 0. */
    static String run(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(NpmPeers.node().toString(),
                NpmPeers.root().resolve("test-support/" + script).toString())
                .directory(NpmPeers.root().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process browser = pb.start();
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            }, ApprovalWorld.CALLERS);
            assertThat(browser.waitFor(120, TimeUnit.SECONDS)).as("the browser script finished").isTrue();
            String out = output.get(10, TimeUnit.SECONDS);
            assertThat(browser.exitValue()).as(out).isZero();
            return out;
        } finally {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
        }
    }
}

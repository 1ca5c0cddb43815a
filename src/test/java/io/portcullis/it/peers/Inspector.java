package io.portcullis.it.peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The MCP Inspector CLI ({@code @modelcontextprotocol/inspector}), one invocation per call:
 * {@code mcp-inspector --cli <url> <args…> --format json -q}, with a throwaway HOME.
 * Exit codes: 0 ok, 4 unreachable, 5 tool error ({@code isError} or unknown tool).
 */
public final class Inspector {
    private final String url;
    private final Path workDir;

    public Inspector(String url, Path workDir) {
        this.url = url;
        this.workDir = workDir;
    }

    public Peers.Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Peers.node().toString(), Peers.bin("mcp-inspector").toString(), "--cli", url));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--format", "json", "-q"));
        return Peers.run(cmd, workDir, Duration.ofSeconds(60));
    }

    /** tools/list: the {@code result} object. */
    public tools.jackson.databind.JsonNode listTools() {
        return run("--method", "tools/list").ok().path("result");
    }

    /** tools/call with {@code key=value} arguments (numbers are coerced by the Inspector). */
    public Peers.Result call(String tool, String... keyValues) {
        List<String> args = new ArrayList<>(List.of("--method", "tools/call", "--tool-name", tool));
        if (keyValues.length > 0) {
            args.add("--tool-arg");
            args.addAll(List.of(keyValues));
        }
        return run(args.toArray(String[]::new));
    }

    /** tools/call with the arguments as one JSON object. */
    public Peers.Result callJson(String tool, String argumentsJson) {
        return run("--method", "tools/call", "--tool-name", tool, "--tool-args-json", argumentsJson);
    }
}

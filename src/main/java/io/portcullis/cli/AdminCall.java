package io.portcullis.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;

/**
 * One subcommand that is one request to the running gateway's admin API with the caller's own token
 * ({@code changes ...}, {@code review ...}): send it, print the answer. Without a token it exits 2
 * (said on stderr by {@link ApprovalsCommand.Target}); a refusal is a {@link CliFailure} (exit 1, or 2
 * for a 400).
 */
abstract class AdminCall implements Callable<Integer> {
    @Mixin
    ApprovalsCommand.Target target = new ApprovalsCommand.Target();

    /** Sends the request; answers the gateway's JSON, or null when there is no token. */
    abstract JsonNode send() throws Exception;

    /** Prints the gateway's answer. */
    abstract void print(JsonNode answer);

    @Override
    public final Integer call() throws Exception {
        JsonNode answer = send();
        if (answer == null) {
            return Exit.USAGE; // no token
        }
        print(answer);
        return Exit.OK;
    }

    /** {@code path?id=<id>}, the id URL-encoded. */
    static String withId(String path, String id) {
        return path + "?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}

package io.portcullis.approval;

import io.portcullis.settings.Fields;
import io.portcullis.identity.IdentityConfig.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code approvals:} section into {@link ApprovalsConfig}, every problem with its file
 * and line. No section means {@link ApprovalsConfig#DEFAULTS}.
 */
public final class ApprovalsConfigReader {
    private static final String P = "/approvals";

    private ApprovalsConfigReader() {}

    public static ApprovalsConfig read(Fields f, JsonNode n, Path baseDir) {
        if (n == null || n.isNull() || !f.isObject(n, P, "'approvals'")) {
            return ApprovalsConfig.DEFAULTS;
        }
        f.onlyKeys(n, P, Set.of("wait", "progress_interval", "page", "webhook", "link_by_verified_email"));
        Duration waitFor = f.duration(n, "wait", P, ApprovalsConfig.DEFAULT_WAIT);
        if (waitFor.isNegative() || waitFor.compareTo(Duration.ofMinutes(30)) > 0) {
            f.problem(P + "/wait", "'wait' must be from 0s to 30m (a client gives up on a long silent call)");
        }
        Duration progress = f.duration(n, "progress_interval", P, ApprovalsConfig.DEFAULT_PROGRESS_INTERVAL);
        if (progress.compareTo(Duration.ofMillis(100)) < 0) {
            f.problem(P + "/progress_interval", "'progress_interval' must be at least 100ms");
        }
        // #11 item 15: the issuers whose e-mail claim is verified, so that a quorum counts people
        java.util.List<String> emailIssuers = f.strings(n, "link_by_verified_email", P);
        return new ApprovalsConfig(waitFor, progress, f.bool(n, "page", P, true), webhook(f, n.get("webhook"), baseDir),
                emailIssuers);
    }

    private static ApprovalsConfig.Webhook webhook(Fields f, JsonNode n, Path baseDir) {
        return webhook(f, n, P + "/webhook", baseDir);
    }

    /** A webhook at {@code p} (also the on-call webhooks of #15 item 5); null when absent or invalid. */
    public static ApprovalsConfig.Webhook webhook(Fields f, JsonNode n, String p, Path baseDir) {
        if (n == null || n.isNull() || !f.isObject(n, p, "'webhook'")) {
            return null;
        }
        f.onlyKeys(n, p, Set.of("url", "format", "headers", "retries", "backoff", "timeout"));
        String url = f.string(n, "url", p, null);
        URI uri = null;
        try {
            uri = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            f.problem(url == null ? p : p + "/url", "'webhook' needs a 'url' (http or https)");
        }
        String format = f.string(n, "format", p, "json");
        ApprovalsConfig.Format fmt = switch (format) {
            case "json" -> ApprovalsConfig.Format.JSON;
            case "slack" -> ApprovalsConfig.Format.SLACK;
            default -> {
                f.problem(p + "/format", "'format' must be json or slack");
                yield ApprovalsConfig.Format.JSON;
            }
        };
        Map<String, Secret> headers = new LinkedHashMap<>();
        JsonNode h = n.get("headers");
        if (h != null && f.isObject(h, p + "/headers", "'headers'")) {
            for (String name : h.propertyNames()) {
                String hp = p + "/headers/" + Fields.escape(name);
                JsonNode v = h.get(name);
                if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    f.problem(hp, "'" + name + "' is not a valid header name");
                    continue;
                }
                // Header values are usually credentials: like every secret in the config they come
                // from the environment or a file, never from the file itself.
                if (!f.isObject(v, hp, "a header value") || (v.has("env") == v.has("file"))) {
                    f.problem(hp, "a header value must be {env: VAR} or {file: path}");
                    continue;
                }
                f.onlyKeys(v, hp, Set.of("env", "file"));
                String env = f.string(v, "env", hp, null);
                String file = f.string(v, "file", hp, null);
                headers.put(name, new Secret(env, file == null ? null : baseDir.resolve(file).normalize()));
            }
        }
        int retries = (int) f.integer(n, "retries", p, 5, 0, 20);
        Duration backoff = f.duration(n, "backoff", p, Duration.ofSeconds(1));
        Duration timeout = f.duration(n, "timeout", p, Duration.ofSeconds(10));
        if (timeout.isZero()) {
            f.problem(p + "/timeout", "'timeout' must be longer than zero");
        }
        return uri == null ? null : new ApprovalsConfig.Webhook(uri, fmt, headers, retries, backoff, timeout);
    }
}

package io.portcullis.egress;

import java.util.List;

/**
 * The detectors Portcullis ships (#13 item 1, C5.1), each with a stable class id. Ids never change
 * meaning: configs and audit records name them. Order matters only for ties: when two detectors
 * find the same span, the earlier one names it (so {@code sk-ant-...} is Anthropic's, not OpenAI's).
 * The corpus (src/test/resources/egress) and docs/egress.md describe what each one catches.
 */
public final class BuiltInDetectors {
    private BuiltInDetectors() {}

    private static final List<EgressDetector> ALL = List.of(
            EgressDetector.builtIn("secret.private-key", List.of("PRIVATE KEY-----"), 16384, 0,
                    "(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\\s\\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\\z))", null),
            EgressDetector.builtIn("secret.aws-access-key-id", List.of("AKIA", "ASIA", "ABIA", "ACCA"), 32, 0,
                    "\\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\\b", null),
            EgressDetector.builtIn("secret.aws-secret-access-key", List.of("aws_secret", "secret_access_key", "secretaccesskey",
                            "aws-secret", "aws secret"), 128, 0,
                    "(?i)(?:aws_?secret_?access_?key|secret_?access_?key|aws[ _-]secret(?:[ _-]key)?)[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+]|\\z)",
                    null),
            EgressDetector.builtIn("secret.github-token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), 300, 0,
                    "\\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\\b", null),
            EgressDetector.builtIn("secret.gitlab-token", List.of("glpat-", "gldt-", "glrt-", "glptt-"), 300, 0,
                    "\\b((?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_-]{20,})", null),
            EgressDetector.builtIn("secret.slack-token", List.of("xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-", "hooks.slack.com"), 300, 0,
                    "(\\bxox[abeprs]-[A-Za-z0-9-]{10,}|https://hooks\\.slack\\.com/services/[A-Za-z0-9_/]{20,})", null),
            EgressDetector.builtIn("secret.stripe-key", List.of("sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"), 300, 0,
                    "\\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})\\b", null),
            EgressDetector.builtIn("secret.google-api-key", List.of("AIza"), 64, 0,
                    "\\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|\\z)", null),
            EgressDetector.builtIn("secret.anthropic-key", List.of("sk-ant-"), 400, 0,
                    "\\b(sk-ant-[a-z]{3,8}[0-9]{2}-[A-Za-z0-9_-]{32,})", null),
            EgressDetector.builtIn("secret.openai-key", List.of("sk-"), 400, 0,
                    "\\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,})", Validators::notAnthropic),
            EgressDetector.builtIn("secret.jwt", List.of("eyJ"), 16384, 0,
                    "\\b(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*)", null),
            EgressDetector.builtIn("secret.url-password", List.of("://"), 600, 0,
                    "(?i)\\b[a-z][a-z0-9+.-]*://[^\\s:/@?#\"']+:([^\\s@/?#\"']+)@[^\\s]", Validators::notPlaceholder),
            EgressDetector.builtIn("secret.password-assignment", List.of("password", "passwd", "pwd", "secret", "apikey", "api_key",
                            "api-key", "access_token", "auth_token"), 300, 0,
                    "(?i)(?:password|passwd|pwd|secret|client_secret|api_?key|api-key|access_token|auth_token)[\"']?\\s*(?:=|:)\\s*[\"']?([^\\s\"',;&<>]{4,200})",
                    Validators::notPlaceholder),
            EgressDetector.builtIn("pii.email", List.of("@"), 400, 0,
                    "\\b([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.[A-Za-z]{2,24})\\b",
                    Validators::notExampleMail),
            EgressDetector.builtIn("pii.payment-card", List.of(), 0, 13,
                    "(?:^|[^0-9-])((?:\\d[ -]?){12,18}\\d)(?:[^0-9-]|\\z)", Validators::card),
            EgressDetector.builtIn("pii.iban", List.of(), 0, 10,
                    "\\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\\b", Validators::iban),
            EgressDetector.builtIn("pii.us-ssn", List.of(), 0, 9,
                    "(?:^|[^0-9-])([0-9]{3}-[0-9]{2}-[0-9]{4})(?:[^0-9-]|\\z)", Validators::ssn),
            EgressDetector.builtIn("pii.phone", List.of(), 0, 9,
                    "(?:^|[^0-9A-Za-z+.-])(\\+[1-9][0-9]{0,2}[ .-]?(?:\\([0-9]{1,4}\\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,4}|\\([0-9]{3}\\) ?[0-9]{3}[ .-][0-9]{4}|[0-9]{3}[.-][0-9]{3}[.-][0-9]{4})(?:[^0-9A-Za-z.-]|\\z)",
                    Validators::phone),
            EgressDetector.builtIn("pii.ip-address", List.of(), 0, 4,
                    "(?:^|[^0-9.])((?:[0-9]{1,3}\\.){3}[0-9]{1,3})(?:[^0-9.]|\\z)", Validators::ipv4));

    /** Every built-in detector, opt-in ones included. */
    public static List<EgressDetector> all() {
        return ALL;
    }
}

package io.portcullis.readiness;

import io.portcullis.audit.AuditConfig;
import io.portcullis.readiness.Report.Line;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Section 4 of the checklist: logging, audit and forensics (C4.1–C4.4). */
final class AuditChecks {
    private AuditChecks() {}

    static List<Line> check(Facts f) {
        return List.of(c41(f), c42(f), c43(f), c44(f));
    }

    private static Line c41(Facts f) {
        AuditConfig a = f.config().audit();
        return Checklist.pass("C4.1", List.of(
                "every tools/call, allowed or refused, becomes one audit record: principal (subject, kind, roles, client, "
                        + "issuer, auth method), the user request (_meta io.portcullis/userRequest, traceparent), tool, "
                        + "policy decision and rule ids, arguments, result metadata (size, isError, content types)",
                "arguments are sanitized: secret-named fields masked" + (a.maskFields().isEmpty() ? "" : " plus " + a.maskFields())
                        + ", strings longer than " + a.maxValueChars() + " characters cut and hashed"));
    }

    private static Line c42(Facts f) {
        AuditConfig a = f.config().audit();
        List<String> ev = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        ev.add("records are hash-chained; checkpoints are signed every " + a.checkpointEvery() + " records or "
                + IdentityChecks.human(a.checkpointInterval()));
        boolean ok = true;
        if (a.generateKey()) {
            ev.add("no audit.signing_key configured: the key is generated beside the log in the data directory ("
                    + a.signingKey() + "), where whoever can rewrite the log can rewrite the key");
            String key = shown(a.dataDir().resolve("audit.key"));
            fixes.add("./portcullis audit keygen --out " + key + "   # keep a copy of the public key away from the gateway");
            fixes.add("audit:\n  signing_key: " + key);
            ok = false;
        } else {
            ev.add("checkpoints signed with the configured key " + a.signingKey());
        }
        Optional<Duration> keep = a.retentionOf(f.name());
        if (keep.isEmpty()) {
            ev.add("no retention for " + f.name() + ": records are kept forever with no declared policy");
            fixes.add((fixes.isEmpty() ? "audit:\n" : "") + "  retention: {" + f.name() + ": 400d}   # or default_retention: 90d");
            ok = false;
        } else {
            ev.add("retention in " + f.name() + ": " + IdentityChecks.human(keep.get()) + ", pruned every "
                    + IdentityChecks.human(a.pruneInterval()));
        }
        return ok ? Checklist.pass("C4.2", ev) : Checklist.fail("C4.2", ev, String.join("\n", fixes));
    }

    /** A path as a newcomer would type it: relative to the working directory when it lies below it. */
    private static String shown(java.nio.file.Path p) {
        java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
        java.nio.file.Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    private static Line c43(Facts f) {
        return Checklist.pass("C4.3", List.of(
                "each record carries the user-request id and W3C trace id of the request it served",
                "`portcullis audit trace <request-id>` lists every call made for one user request, across tools and upstreams",
                "clients must send _meta io.portcullis/userRequest or traceparent for calls to be joined (not verifiable here)"));
    }

    private static Line c44(Facts f) {
        String playbook = f.config().readiness().playbook();
        if (playbook == null) {
            return Checklist.fail("C4.4", List.of("no operator playbook declared (readiness.playbook)",
                            "tools for it exist: portcullis audit search / trace / verify / export"),
                    "write how to investigate a suspicious call (audit search, trace, verify, revoke, disable a tool) "
                            + "and declare it:\nreadiness:\n  playbook: docs/playbook.md");
        }
        return Checklist.pass("C4.4", List.of("operator playbook: " + playbook + " (declared in config, not verified)"));
    }
}

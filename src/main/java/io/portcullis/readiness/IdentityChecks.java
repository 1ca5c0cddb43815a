package io.portcullis.readiness;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.identity.IdentityConfig;
import io.portcullis.identity.IdentityConfig.IssuerConfig;
import io.portcullis.identity.Principal;
import io.portcullis.readiness.Report.Line;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Section 1 of the checklist: identity and authentication (C1.1–C1.4). */
final class IdentityChecks {
    static final String IDENTITY_FIX = """
            identity:
              issuers:
                - issuer: https://sso.example.com/
                  discovery: https://sso.example.com/.well-known/openid-configuration
                  audience: [https://gateway.example.com/mcp]
                  kind: user
              api_keys: {enabled: true}      # service roles: portcullis keys create ...""";

    private IdentityChecks() {}

    static List<Line> check(Facts f) {
        return List.of(c11(f), c12(f), c13(f), c14(f));
    }

    /** The ways a caller can prove who it is, as evidence; empty when the gateway runs open. */
    static List<String> methods(IdentityConfig id) {
        List<String> out = new ArrayList<>();
        if (!id.enabled()) {
            return out;
        }
        for (IssuerConfig i : id.issuers()) {
            out.add("token issuer " + i.issuer() + " (" + (i.verifiesLocally() ? "signed JWTs verified by JWKS" : "introspection")
                    + ", principals " + i.kind().name().toLowerCase() + ")");
        }
        if (id.apiKeysEnabled()) {
            out.add("API keys (service roles, at most " + id.apiKeyMaxLifetime().toDays() + " days)");
        }
        if (id.tls() != null && id.tls().clientCa() != null && id.tls().clientAuth() != IdentityConfig.ClientAuth.NONE) {
            out.add("client certificates (mTLS, " + id.tls().clientAuth().name().toLowerCase() + ", "
                    + id.tls().clients().size() + " mapping rules)");
        }
        return out;
    }

    private static Line c11(Facts f) {
        IdentityConfig id = f.config().identity();
        List<String> m = methods(id);
        if (m.isEmpty()) {
            return Checklist.fail("C1.1", List.of(id.enabled()
                            ? "the identity section accepts no credential: no issuer, API keys off, no client certificates"
                            : "no identity section: every HTTP caller is 'anonymous' (kind anonymous, auth none)"),
                    "add an identity section, e.g.\n" + IDENTITY_FIX);
        }
        List<String> ev = new ArrayList<>(m);
        ev.add("every call carries a principal (subject, kind user/service, roles, client id, environment '"
                + f.name() + "', auth method), recorded by the audit log");
        return Checklist.pass("C1.1", ev);
    }

    /** Whether humans can call: open gateways and issuers that may yield USER principals count. */
    private static boolean interactive(IdentityConfig id) {
        if (!id.enabled()) {
            return true;
        }
        return id.issuers().stream().anyMatch(i -> i.kind() != IdentityConfig.KindRule.SERVICE)
                || (id.tls() != null && id.tls().clients().stream().anyMatch(r -> r.kind() == Principal.Kind.USER));
    }

    /**
     * C1.2 (#16 item 1): passes when every HTTP upstream serving tools here declares how callers are
     * represented to it: a per-user mode ({@code token_exchange}, {@code user_oauth}), a {@code service} credential
     * (only service principals may use it; an explicit {@code allow_users} exception is shown with
     * its reason), or {@code none}. A static header shared by all callers, or an upstream that
     * declares nothing, fails while interactive principals can call. Stdio children are not judged
     * here (their environment is the operator's).
     */
    private static Line c12(Facts f) {
        List<String> problems = new ArrayList<>();
        List<String> declared = new ArrayList<>();
        List<String> exceptions = new ArrayList<>();
        for (String up : f.tools().stream().map(ToolEntry::upstream).distinct().toList()) {
            UpstreamConfig u = f.config().upstreams().get(up);
            if (u == null || u.transport() != UpstreamConfig.Transport.HTTP) {
                continue;
            }
            UpstreamCredentials c = u.credentials();
            if (c == null) {
                problems.add(up + " (" + u.shownUrl() + (u.headers().isEmpty() ? ", declares no credential mode)"
                        : ", one static credential for every caller: headers " + u.headers().keySet() + ")"));
                continue;
            }
            declared.add(up + ": " + c.mode().id());
            if ((c.mode() == UpstreamCredentials.Mode.SERVICE || c.mode() == UpstreamCredentials.Mode.OAUTH) && c.usersAllowed()) {
                exceptions.add(up + " lets interactive users use its service credential, because: " + c.usersReason());
            }
        }
        List<String> ev = new ArrayList<>();
        boolean interactive = interactive(f.config().identity());
        ev.add(interactive ? "interactive (user) principals can call in " + f.name()
                : "only service principals are accepted (every issuer has kind: service)");
        if (!declared.isEmpty()) {
            ev.add("credential modes (token_exchange: the caller's own token exchanged per user; user_oauth: each user's own "
                    + "OAuth grant at the upstream; service: service "
                    + "principals only; oauth: the gateway's own OAuth client, service principals only; none): " + String.join("; ", declared));
        }
        exceptions.forEach(e -> ev.add("explicit exception: " + e));
        if (problems.isEmpty()) {
            ev.add("every HTTP upstream with tools enabled here declares its credential mode");
            return Checklist.pass("C1.2", ev);
        }
        ev.add("HTTP upstreams without a per-user or service-only credential: " + String.join("; ", problems));
        if (!interactive) {
            return Checklist.pass("C1.2", ev);
        }
        return Checklist.fail("C1.2", ev, "declare each upstream's credential mode (docs/operations/credentials.md): the "
                + "caller's own token exchanged for the upstream, a service credential for service principals only, or "
                + "none:\nupstreams:\n  <name>:\n    credentials: {mode: token_exchange, token_endpoint: <IdP token URL>, "
                + "client_id: <id>, client_secret: {env: VAR}, audience: <upstream id>}\n"
                + "    # or credentials: {mode: service, token: {env: VAR}}   or   credentials: {mode: none}");
    }

    private static Line c13(Facts f) {
        IdentityConfig id = f.config().identity();
        String rotation = f.config().readiness().rotation();
        List<String> ev = new ArrayList<>();
        boolean ok = true;
        if (!id.enabled()) {
            ev.add("no identity section: no tokens at all, nothing to rotate or revoke");
            ok = false;
        } else {
            ev.add("bearer tokens living longer than " + human(id.maxTokenLifetime()) + " are refused (identity.max_token_lifetime)");
            if (id.apiKeysEnabled()) {
                ev.add("API keys expire within " + human(id.apiKeyMaxLifetime()) + " (identity.api_keys.max_lifetime)");
            }
            ev.add("revocation: `portcullis revoke` and POST /admin/api/revocations, checked on every call");
            if (id.maxTokenLifetime().compareTo(Duration.ofHours(24)) > 0) {
                ev.add("max_token_lifetime is longer than 24h: not short-lived");
                ok = false;
            }
        }
        if (rotation == null) {
            ev.add("no rotation and revocation steps declared (readiness.rotation)");
            ok = false;
        } else {
            ev.add("rotation and revocation steps: " + rotation + " (declared in config, not verified)");
        }
        return ok ? Checklist.pass("C1.3", ev) : Checklist.fail("C1.3", ev,
                (id.enabled() ? "" : "configure identity (see C1.1), then ")
                        + "write down how to rotate signing keys and API keys and how to revoke, and declare it:\n"
                        + "readiness:\n  rotation: docs/rotation.md\nidentity:\n  max_token_lifetime: 1h");
    }

    private static Line c14(Facts f) {
        IdentityConfig id = f.config().identity();
        List<String> m = methods(id);
        List<String> ev = new ArrayList<>(m);
        ev.add(id.tls() == null ? "listener speaks plain HTTP on " + f.config().server().host()
                : "listener speaks HTTPS (keystore " + id.tls().keystore() + ")");
        ev.add("stdio clients run as the local user (" + id.local().effectiveSubject() + ")");
        if (m.isEmpty()) {
            ev.add(0, "remote clients are not authenticated at all");
            return Checklist.fail("C1.4", ev, "decide how clients authenticate (signed tokens from your SSO, "
                    + "API keys, or mutual TLS) and configure it, e.g.\n" + IDENTITY_FIX);
        }
        return Checklist.pass("C1.4", ev);
    }

    static String human(Duration d) {
        long secs = d.toSeconds();
        if (secs % 86_400 == 0 && secs > 0) {
            return secs / 86_400 + "d";
        }
        if (secs % 3600 == 0 && secs > 0) {
            return secs / 3600 + "h";
        }
        return secs % 60 == 0 && secs > 0 ? secs / 60 + "m" : secs + "s";
    }
}

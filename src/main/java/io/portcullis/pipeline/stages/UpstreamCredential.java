package io.portcullis.pipeline.stages;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.Delegation;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.config.GatewayConfig;
import io.portcullis.credentials.Credentials;
import io.portcullis.credentials.TokenExchanger;
import io.portcullis.credentials.UserGrants;
import io.portcullis.identity.Principal;
import io.portcullis.identity.SubjectToken;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 1 (C1.2), the {@code credentials} stage: chooses the credential the call goes upstream
 * with, on behalf of its principal, from the upstream's {@code credentials} mode, and puts it on the
 * trail ({@link Delegation}), where the upstream call takes its header from and the audit record
 * and call log take its facts (never the token).
 * <ul>
 *   <li>{@code token_exchange}: the caller's verified token exchanged at the IdP (RFC 8693) for one
 *       whose audience is the upstream ({@link TokenExchanger}, cached per user).</li>
 *   <li>{@code user_oauth}: the caller's own grant at the upstream's authorization server
 *       ({@link UserGrants}); without one, refused with a consent link.</li>
 *   <li>{@code service}: the static service token; only principals of kind service, unless the
 *       config makes the explicit exception {@code allow_users: "reason"} (noted in the record).</li>
 *   <li>{@code oauth} (issue 17): the gateway's own OAuth client at the upstream's authorization
 *       server; the upstream connection itself sends and renews the token (every message of it,
 *       not only calls), so the call carries none of its own. Like {@code service}: only principals
 *       of kind service, unless {@code allow_users: "reason"}.</li>
 *   <li>{@code none}: no credential.</li>
 *   <li>no {@code credentials} key: the upstream's static {@code headers} (if any), as before;
 *       readiness C1.2 names it.</li>
 * </ul>
 * It sits in every chain that ends with a request to an upstream on a caller's behalf: {@code tools/call},
 * {@code tasks/result}, {@code resources/read}, {@code resources/subscribe}, {@code prompts/get} and
 * {@code completion/complete} ({@code Chains}).
 * Fail closed: a credential that cannot be had (no token to exchange, the IdP refuses or is
 * down, the service token is missing) refuses the call, control {@code credentials}, in one line.
 */
public final class UpstreamCredential implements Stage {
    private final GatewayConfig config;
    private final TokenExchanger exchanger;
    private final UserGrants grants;

    /** @param config the snapshot's config; null while only the chain's shape is asked for */
    public UpstreamCredential(GatewayConfig config, Credentials credentials) {
        this.config = config;
        this.exchanger = credentials == null ? null : credentials.exchanger();
        this.grants = credentials == null ? null : credentials.grants();
    }


    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        // the tool's upstream, or the one that serves a read's item or created a task (#16: the read paths)
        // (the same the upstream call sends to: the trail's upstream, else the catalog entry's)
        String upstream = call.trail().upstream() != null ? call.trail().upstream() : call.tool() == null ? null : call.tool().upstream();
        if (upstream == null) { // fail closed: a call whose upstream is unknown gets no credential
            throw new GatewayException.Refused(name(), "no upstream is known for this call, so no credential can be chosen");
        }
        UpstreamConfig u = config == null ? null : config.upstreams().get(upstream);
        if (u == null) { // fail closed: no settings for this upstream, so no credential can be chosen for it
            throw new GatewayException.Refused(name(), "no credential settings for upstream " + upstream + ", so the call is refused");
        }
        {
            Delegation d = delegation(upstream, u, call.principal());
            call.trail().delegation(d);
            if (u.credentials() != null && (u.credentials().mode() == UpstreamCredentials.Mode.SERVICE
                    || u.credentials().mode() == UpstreamCredentials.Mode.OAUTH) && call.principal().kind() != Principal.Kind.SERVICE) {
                call.trail().note("service credential of upstream " + upstream + " used by a " + call.principal().kind().name()
                        .toLowerCase() + " principal under the config's exception: " + u.credentials().usersReason());
            }
        }
        return next.handle(call);
    }

    private Delegation delegation(String upstream, UpstreamConfig u, Principal caller) throws GatewayException {
        UpstreamCredentials c = u.credentials();
        if (c == null) {
            String mode = u.headers().isEmpty() ? "none" : "static_headers";
            return new Delegation(mode, upstream, caller.subject(), null, null, null, null, null, null);
        }
        return switch (c.mode()) {
            case NONE -> new Delegation("none", upstream, caller.subject(), null, null, null, null, null, null);
            case SERVICE -> service(upstream, c, caller);
            case OAUTH -> {
                serviceOnly(upstream, c, caller);
                yield new Delegation(UpstreamCredentials.Mode.OAUTH.id(), upstream, caller.subject(), null, null, null, null, null, null);
            }
            case TOKEN_EXCHANGE -> {
                if (exchanger == null) {
                    throw new GatewayException.Refused(name(), "credentials: no token exchanger runs for upstream " + upstream);
                }
                try {
                    yield exchanger.delegation(upstream, c, caller, u.timeout());
                } catch (TokenExchanger.ExchangeFailed e) {
                    throw new GatewayException.Refused(name(), "credentials: " + e.getMessage());
                }
            }
            case USER_OAUTH -> {
                if (grants == null) {
                    throw new GatewayException.Refused(name(), "credentials: no per-user OAuth grants are kept for upstream " + upstream);
                }
                try {
                    yield grants.delegation(upstream, c, caller, u.timeout());
                } catch (UserGrants.Refusal e) { // the consent link's ticket is for the caller only, never recorded
                    throw new GatewayException.Refused(name(), "credentials: " + e.getMessage(), "credentials: " + e.callerText(),
                            e.link(), e.linkText() == null ? null : "credentials: " + e.linkText());
                }
            }
        };
    }

    private void serviceOnly(String upstream, UpstreamCredentials c, Principal caller) throws GatewayException {
        if (caller.kind() != Principal.Kind.SERVICE && !c.usersAllowed()) {
            throw new GatewayException.Refused(name(), "credentials: upstream " + upstream + " is reached with a service "
                    + "credential (" + c.mode().id() + "), which only service principals may use; " + caller.subject() + " is a "
                    + caller.kind().name().toLowerCase() + " principal");
        }
    }

    private Delegation service(String upstream, UpstreamCredentials c, Principal caller) throws GatewayException {
        serviceOnly(upstream, c, caller);
        String token;
        try {
            token = c.token().resolve();
        } catch (IllegalStateException e) {
            throw new GatewayException.Refused(name(), "credentials: the service credential of upstream " + upstream
                    + " is missing (" + e.getMessage() + ")");
        }
        return new Delegation(UpstreamCredentials.Mode.SERVICE.id(), upstream, caller.subject(), null, null, null, null,
                SubjectToken.hashPrefix(token), "Bearer " + token);
    }

    @Override
    public String name() {
        return "credentials";
    }

    @Override
    public List<String> checklist() {
        return List.of("C1.2");
    }
}

package io.portcullis.cli;

import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.ConfigException;
import io.portcullis.identity.IdentityStore;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis revoke --jti X | --subject S}: revokes tokens (C1.3). Beside a running gateway
 * it goes through its admin API ({@link Served}, #21 item 13) and takes effect on the next call;
 * otherwise it is written to the store, and running gateways (other nodes on PostgreSQL) refuse the
 * token within {@code identity.revocation_refresh} (1 s by default). Either way it survives restarts.
 */
@Command(name = "revoke", description = "Revokes a token by its jti, or every token of a subject issued until now.")
final class RevokeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the gateway's config file (its store holds the revocations)")
    Path config;

    static final class Target {
        @Option(names = "--jti", required = true, description = "the token's jti (see token_id in the call log)")
        String jti;

        @Option(names = "--subject", required = true, description = "the subject whose tokens issued until now are refused")
        String subject;

        @Option(names = "--list", required = true, description = "lists the revocations instead")
        boolean list;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--issuer", description = "with --subject: only tokens of this issuer (default: every issuer)")
    String issuer;

    @Option(names = "--reason", description = "why, for the record")
    String reason;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
        // #21 item 13: through the running gateway when one serves the data directory (the revocation then
        // takes effect on its next call), else in the store directly
        return Served.run(cfg, gateway -> {
            if (target.list) {
                for (JsonNode r : gateway.send("GET", "/admin/api/revocations", null)) {
                    print(r.path("kind").asString(), r.path("value").asString(), r.path("issuer").asString(null),
                            r.path("revoked_at").asString(), r.path("revoked_by").asString(), r.path("reason").asString(null));
                }
                return Exit.OK;
            }
            ObjectNode body = target.jti != null ? Json.object().put("jti", target.jti)
                    : Json.object().put("subject", target.subject).put("issuer", issuer);
            JsonNode r = gateway.send("POST", "/admin/api/revocations", body.put("reason", reason));
            done(r.path("value").asString(), r.path("revoked_at").asString());
            return Exit.OK;
        }, store -> {
            IdentityStore ids = IdentityStore.open(store);
            try {
                if (target.list) {
                    ids.revocations().forEach(r -> print(r.kind(), r.value(), r.issuer(), r.revokedAt().toString(), r.revokedBy(), r.reason()));
                } else if (target.jti != null) {
                    var r = ids.revokeJti(target.jti, KeysCommand.operator(), reason);
                    done(r.value(), r.revokedAt().toString());
                } else {
                    var r = ids.revokeSubject(target.subject, issuer, KeysCommand.operator(), reason);
                    done(r.value(), r.revokedAt().toString());
                }
            } finally {
                ids.close();
            }
            return Exit.OK;
        });
    }

    private static void print(String kind, String value, String issuer, String at, String by, String why) {
        System.out.printf("%-8s %-40s issuer=%s at=%s by=%s reason=%s%n", kind, value, issuer == null ? "*" : issuer, at, by, why);
    }

    private void done(String value, String at) {
        System.out.println(target.jti != null ? "revoked token " + value + " at " + at
                : "revoked every token of " + value + (issuer == null ? "" : " from " + issuer) + " issued until " + at);
    }
}

package io.portcullis.cli;

import io.portcullis.settings.ConfigException;
import io.portcullis.identity.IdentityStore;
import io.portcullis.store.Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis revoke --jti X | --subject S}: revokes tokens (C1.3). The revocation is written
 * to the gateway's store: it survives restarts and running gateways refuse the token within
 * {@code identity.revocation_refresh} (1 s by default); the admin API's take effect on the next call.
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
        Store[] store = new Store[1];
        try {
            IdentityStore ids = KeysCommand.open(config, store);
            if (target.list) {
                for (var r : ids.revocations()) {
                    System.out.printf("%-8s %-40s issuer=%s at=%s by=%s reason=%s%n", r.kind(), r.value(),
                            r.issuer() == null ? "*" : r.issuer(), r.revokedAt(), r.revokedBy(), r.reason());
                }
            } else if (target.jti != null) {
                var r = ids.revokeJti(target.jti, KeysCommand.operator(), reason);
                System.out.println("revoked token " + r.value() + " at " + r.revokedAt());
            } else {
                var r = ids.revokeSubject(target.subject, issuer, KeysCommand.operator(), reason);
                System.out.println("revoked every token of " + r.value() + (issuer == null ? "" : " from " + issuer)
                        + " issued until " + r.revokedAt());
            }
            ids.close();
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("  " + p));
            return 1;
        } finally {
            if (store[0] != null) {
                store[0].close();
            }
        }
    }
}

package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.IdentityConfig.CertificateField;
import io.portcullis.identity.IdentityConfig.CertificateRule;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthenticatorTest {
    @TempDir
    Path dir;

    @Test
    void certificatesMapToPrincipalsBySpiffeIdOrSubjectDn() throws Exception {
        TestCertificates ca = new TestCertificates("clients");
        var ci = ca.issue("CN=runner-7,O=Example", TestCertificates.uri("spiffe://example.com/ci/runner-7"));
        var alice = ca.issue("CN=alice,O=Example", TestCertificates.email("alice@example.com"));
        var stranger = ca.issue("CN=stranger,O=Example");
        try (Store store = Store.open(new StoreConfig(null, dir, 2))) {
            IdentityStore ids = IdentityStore.open(store);
            CertificateAuthenticator auth = new CertificateAuthenticator(List.of(
                    new CertificateRule(CertificateField.SPIFFE_ID, "spiffe://example.com/ci/*", null, Principal.Kind.SERVICE, null, List.of("ci")),
                    new CertificateRule(CertificateField.SUBJECT_DN, "CN=alice, O=Example", "alice", Principal.Kind.USER, "Alice", List.of())),
                    ids, Clock.systemUTC());

            Principal p = auth.authenticate(new Credentials(null, null, List.of(ci.certificate())), "dev");
            assertThat(p.subject()).isEqualTo("spiffe://example.com/ci/runner-7");
            assertThat(p.kind()).isEqualTo(Principal.Kind.SERVICE);
            assertThat(p.roles()).containsExactly("ci");
            assertThat(p.authMethod()).isEqualTo("mtls");
            assertThat(p.issuer()).isEqualTo("CN=clients,O=Portcullis Tests");

            Principal a = auth.authenticate(new Credentials(null, null, List.of(alice.certificate())), "dev");
            assertThat(a.subject()).isEqualTo("alice");
            assertThat(a.email()).isEqualTo("alice@example.com");

            assertThatThrownBy(() -> auth.authenticate(new Credentials(null, null, List.of(stranger.certificate())), "dev"))
                    .hasMessageContaining("not mapped");
            assertThatThrownBy(() -> auth.authenticate(new Credentials("a-token", null, List.of(alice.certificate())), "dev"))
                    .isInstanceOf(AuthException.NotMine.class);

            ids.revokeJti(ci.certificate().getSerialNumber().toString(16), "admin", "key compromised");
            assertThatThrownBy(() -> auth.authenticate(new Credentials(null, null, List.of(ci.certificate())), "dev"))
                    .hasMessageContaining("was revoked");

            ids.revokeSubject("alice", null, "admin", "lost laptop");
            assertThatThrownBy(() -> auth.authenticate(new Credentials(null, null, List.of(alice.certificate())), "dev"))
                    .hasMessageContaining("revoked");
            ids.close();
        }
    }

    @Test
    void orElseTriesTheNextStrategyOnlyForForeignCredentials() throws Exception {
        Authenticator notMine = (in, env) -> {
            throw new AuthException.NotMine("first");
        };
        Authenticator refuses = (in, env) -> {
            throw AuthException.invalid("bad token");
        };
        Authenticator grants = (in, env) -> Principal.anonymous(env, "x");
        assertThat(notMine.orElse(grants).authenticate(Credentials.NONE, "dev").clientId()).isEqualTo("x");
        assertThatThrownBy(() -> refuses.orElse(grants).authenticate(Credentials.NONE, "dev")).hasMessage("bad token");
        assertThatThrownBy(() -> notMine.orElse((in, env) -> {
            throw new AuthException.NotMine("second");
        }).authenticate(Credentials.NONE, "dev")).isInstanceOf(AuthException.NotMine.class).hasMessage("first; second");
    }
}

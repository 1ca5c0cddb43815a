package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityConfigReaderTest {
    private static final Path BASE = Path.of("/etc/portcullis");

    private static GatewayConfig parse(String identity) throws ConfigException {
        return ConfigReader.parse("""
                environments: [dev, prod]
                upstreams:
                  demo: {command: [echo]}
                """ + identity, "gw.yaml", BASE, null);
    }

    private static List<String> problems(String identity) {
        try {
            parse(identity);
        } catch (ConfigException e) {
            return e.problems().stream().map(Object::toString).toList();
        }
        throw new AssertionError("expected problems");
    }

    @Test
    void withoutTheSectionTheGatewayIsOpen() throws Exception {
        IdentityConfig c = parse("").identity();
        assertThat(c.enabled()).isFalse();
        assertThat(c).isSameAs(IdentityConfig.OPEN);
    }

    @Test
    void aFullSectionIsRead() throws Exception {
        IdentityConfig c = parse("""
                identity:
                  resource: https://gw.example.com/mcp
                  algorithms: [RS256, EdDSA]
                  clock_skew: 10s
                  max_token_lifetime: 30m
                  api_keys: {enabled: true, max_lifetime: 30d}
                  admin_roles: [ops]
                  stdio: {subject: build-agent, roles: [ci]}
                  issuers:
                    - issuer: https://sso.example.com
                      discovery: https://sso.example.com/.well-known/openid-configuration
                      claims: {roles: [realm_access.roles], display_name: name}
                      kind: user
                      required_claims: [email]
                      required_scopes: {prod: [mcp:prod], "*": [mcp]}
                    - issuer: https://machines.example.com
                      introspection:
                        endpoint: https://machines.example.com/introspect
                        client_id: portcullis
                        client_secret: {env: INTROSPECTION_SECRET}
                  tls:
                    keystore: tls/server.p12
                    keystore_password: {file: tls/password}
                    client_auth: optional
                    client_ca: tls/clients-ca.pem
                    clients:
                      - spiffe_id: spiffe://example.com/ci/*
                        kind: service
                        roles: [ci]
                      - subject_dn: "CN=alice, O=Example"
                        subject: alice
                        kind: user
                """).identity();
        assertThat(c.enabled()).isTrue();
        assertThat(c.resource().toString()).isEqualTo("https://gw.example.com/mcp");
        assertThat(c.algorithms()).containsExactlyInAnyOrder("RS256", "EdDSA");
        assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxTokenLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.apiKeyMaxLifetime()).isEqualTo(Duration.ofDays(30));
        assertThat(c.adminRoles()).containsExactly("ops");
        assertThat(c.local().effectiveSubject()).isEqualTo("build-agent");
        IdentityConfig.IssuerConfig sso = c.issuers().getFirst();
        assertThat(sso.verifiesLocally()).isTrue();
        assertThat(sso.claims().roles()).containsExactly("realm_access.roles");
        assertThat(sso.claims().subject()).containsExactly("sub");
        assertThat(sso.scopesFor("prod")).containsExactly("mcp:prod");
        assertThat(sso.scopesFor("dev")).containsExactly("mcp");
        IdentityConfig.IssuerConfig machines = c.issuers().get(1);
        assertThat(machines.verifiesLocally()).isFalse();
        assertThat(machines.introspection().clientSecret().env()).isEqualTo("INTROSPECTION_SECRET");
        assertThat(c.tls().keystore()).isEqualTo(BASE.resolve("tls/server.p12"));
        assertThat(c.tls().clientAuth()).isEqualTo(IdentityConfig.ClientAuth.OPTIONAL);
        assertThat(c.tls().clients()).hasSize(2);
        assertThat(c.tls().clients().getFirst().field()).isEqualTo(IdentityConfig.CertificateField.SPIFFE_ID);
    }

    @Test
    void defaultsAreShortLivedAndAsymmetricOnly() throws Exception {
        IdentityConfig c = parse("""
                identity:
                  issuers: [{issuer: "https://sso.example.com", jwks_uri: "https://sso.example.com/jwks"}]
                """).identity();
        assertThat(c.algorithms()).containsExactlyInAnyOrder("RS256", "ES256", "PS256", "EdDSA");
        assertThat(c.maxTokenLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(c.apiKeysEnabled()).isTrue();
        assertThat(c.adminRoles()).containsExactly("portcullis-admin");
        assertThat(c.tls()).isNull();
    }

    @Test
    void everyProblemIsReportedWithItsLine() {
        List<String> p = problems("""
                identity:
                  algorithms: [RS256, HS256, none]
                  clock_skew: 1h
                  issuers:
                    - issuer: https://sso.example.com
                    - issuer: https://other.example.com
                      jwks_uri: ftp://nope
                      required_scopes: {staging: [x]}
                      introspection: {endpoint: "https://o/introspect", client_id: c, client_secret: "literal"}
                  tls:
                    keystore: k.p12
                    keystore_password: {env: P}
                    client_auth: required
                  bogus: 1
                """);
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:5:").contains("HS256", "not allowed"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:5:").contains("'none' is not allowed"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:6:").contains("clock_skew", "0s and 5m"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:8:").contains("needs 'discovery' or 'jwks_uri'"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:10:").contains("jwks_uri"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:11:").contains("environment 'staging'"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:12:").contains("literal secrets"));
        assertThat(p).anySatisfy(s -> assertThat(s).contains("client_ca"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("gw.yaml:17:").contains("unknown key 'bogus'"));
    }

    @Test
    void aSectionThatAcceptsNothingIsRefused() {
        assertThat(problems("""
                identity:
                  api_keys: false
                """)).anySatisfy(s -> assertThat(s).contains("accepts no credential"));
    }

    @Test
    void certificateMappingsNeedOneFieldAndAKind() {
        List<String> p = problems("""
                identity:
                  tls:
                    keystore: k.p12
                    keystore_password: {env: P}
                    client_auth: optional
                    client_ca: ca.pem
                    clients:
                      - {subject_dn: "CN=a", san_dns: "a.example.com", kind: user}
                      - {spiffe_id: "spiffe://x/y"}
                """);
        assertThat(p).anySatisfy(s -> assertThat(s).contains("exactly one of"));
        assertThat(p).anySatisfy(s -> assertThat(s).contains("needs 'kind'"));
    }

    @Test
    void invalidAfterThrowsConfigException() {
        assertThatThrownBy(() -> parse("identity: [1]")).isInstanceOf(ConfigException.class);
    }
}

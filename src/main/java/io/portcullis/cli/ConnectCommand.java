package io.portcullis.cli;

import io.portcullis.connect.Bridge;
import io.portcullis.connect.ClientTls;
import io.portcullis.connect.Logins;
import io.portcullis.oauthclient.ClientSettings;
import io.portcullis.oauthclient.EnterpriseGrant;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connect", description = {
        "A stdio MCP server for desktop clients that forwards to a remote Portcullis over HTTPS (C1.4).",
        "Authenticates with OAuth when the server asks (discovery, dynamic registration or client ID metadata",
        "documents or a pre-registered client, authorization code + PKCE or client credentials, tokens cached",
        "0600 and refreshed, step-up on insufficient_scope),",
        "a client certificate (mutual TLS), or a token from an environment variable (e.g. an API key)."})
final class ConnectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "GATEWAY_URL", description = "the gateway's MCP endpoint, e.g. https://portcullis.example.com/mcp/prod")
    URI gateway;

    @Option(names = "--client-id", description = "pre-registered OAuth client id (default: a client ID metadata document or dynamic registration)")
    String clientId;

    @Option(names = "--client-secret-env", description = "environment variable holding the pre-registered client's secret (a confidential client)")
    String clientSecretEnv;

    @Option(names = "--auth-method", description = "token endpoint authentication: client_secret_basic, client_secret_post, private_key_jwt, none"
            + " (default: from the client's credentials and what the server supports)")
    String authMethod;

    @Option(names = "--private-key", description = "PKCS#8 PEM key of a private_key_jwt client (RFC 7523)")
    Path privateKey;

    @Option(names = "--private-key-alg", defaultValue = "ES256", description = "its JWS algorithm (default: ${DEFAULT-VALUE})")
    String privateKeyAlg;

    @Option(names = "--client-metadata-url", description = "https URL of this client's ID metadata document, used as client id where the server supports them")
    URI clientMetadataUrl;

    @Option(names = "--client-name", defaultValue = "portcullis connect", description = "client_name for dynamic registration (default: ${DEFAULT-VALUE})")
    String clientName;

    @Option(names = "--grant", defaultValue = "authorization_code", description = "authorization_code (a user signs in), client_credentials (a service)"
            + " or enterprise (SEP-990: an ID token of the enterprise IdP, exchanged for an ID-JAG, then the JWT-bearer grant)")
    String grant;

    @Option(names = "--id-token-env", description = "with --grant enterprise: environment variable holding the user's ID token from the IdP")
    String idTokenEnv;

    @Option(names = "--idp-token-endpoint", description = "with --grant enterprise: the IdP's token endpoint (RFC 8693 token exchange)")
    URI idpTokenEndpoint;

    @Option(names = "--idp-client-id", description = "with --grant enterprise: this client's id at the IdP")
    String idpClientId;

    @Option(names = "--scope", description = "scopes to ask for besides those the server names")
    String scope;

    @Option(names = "--logout", description = "delete the cached tokens of GATEWAY_URL and exit")
    boolean logout;

    @Option(names = "--token-cache", description = "where tokens are cached (default ~/.config/portcullis/tokens/<host>.json, mode 0600)")
    Path tokenCache;

    @Option(names = "--browser", description = "command that opens the sign-in URL (default: the desktop browser, else print it)")
    String browser;

    @Option(names = "--login-timeout", defaultValue = "300", description = "seconds to wait for the sign-in (default: ${DEFAULT-VALUE})")
    long loginTimeout;

    @Option(names = "--token-env", description = "send the bearer token in this environment variable (e.g. an API key) instead of OAuth")
    String tokenEnv;

    @Option(names = "--ca", description = "PEM bundle of the CA(s) to trust for the gateway's certificate (default: the JDK's)")
    Path ca;

    @Option(names = "--cert", description = "client certificate chain (PEM) for mutual TLS")
    Path cert;

    @Option(names = "--key", description = "the client certificate's unencrypted PKCS#8 key (PEM)")
    Path key;

    @Option(names = "--keystore", description = "PKCS12 file with the client certificate and key, instead of --cert/--key")
    Path keystore;

    @Option(names = "--keystore-password-env", description = "environment variable holding the PKCS12 password")
    String keystorePasswordEnv;

    @Override
    public Integer call() throws Exception {
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        PrintStream log = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        System.setOut(log); // stdout carries MCP messages only
        Path cache = tokenCache != null ? tokenCache : Logins.defaultCache(gateway);
        if (logout) {
            boolean deleted;
            try {
                deleted = Logins.logout(cache);
            } catch (java.io.IOException e) {
                log.println("portcullis connect: cannot delete the cached tokens " + cache + ": " + e.getMessage());
                return 1;
            }
            log.println("portcullis connect: " + (deleted ? "deleted the cached tokens " : "no cached tokens at ") + cache
                    + (deleted ? "" : ", nothing to remove") + " (the OS keyring is not used)");
            return 0;
        }
        if (!"authorization_code".equals(grant) && !"client_credentials".equals(grant) && !"enterprise".equals(grant)) {
            log.println("portcullis connect: --grant is authorization_code, client_credentials or enterprise");
            return 2;
        }
        EnterpriseGrant enterprise = null;
        if ("enterprise".equals(grant)) { // issue 17, SEP-990 (the suite's auth/cross-app-access-complete-flow)
            String idToken = idTokenEnv == null ? null : System.getenv(idTokenEnv);
            if (idToken == null || idToken.isBlank() || idpTokenEndpoint == null || idpClientId == null || clientId == null) {
                log.println("portcullis connect: --grant enterprise needs --id-token-env (set), --idp-token-endpoint, --idp-client-id and --client-id");
                return 2;
            }
            enterprise = new EnterpriseGrant(idpTokenEndpoint, idpClientId, idToken);
        }
        if (!"https".equals(gateway.getScheme()) && !isLoopback(gateway)) {
            log.println("portcullis connect: refusing to send credentials to " + gateway + " over plain HTTP; use https://");
            return 2;
        }
        if ((cert == null) != (key == null)) {
            log.println("portcullis connect: --cert and --key go together");
            return 2;
        }
        char[] pw = keystorePasswordEnv == null ? null : System.getenv().getOrDefault(keystorePasswordEnv, "").toCharArray();
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).version(HttpClient.Version.HTTP_1_1);
        if ("https".equals(gateway.getScheme())) {
            hb.sslContext(ClientTls.context(ca, cert, key, keystore, pw));
        }
        HttpClient http = hb.build();
        Bridge.Bearer bearer = null;
        if (tokenEnv != null) {
            String value = System.getenv(tokenEnv);
            if (value == null || value.isBlank()) {
                log.println("portcullis connect: environment variable " + tokenEnv + " is empty");
                return 2;
            }
            bearer = Logins.fixed(value);
        } else {
            String secret = clientSecretEnv == null ? null : System.getenv(clientSecretEnv);
            if (clientSecretEnv != null && (secret == null || secret.isEmpty())) {
                log.println("portcullis connect: environment variable " + clientSecretEnv + " is empty");
                return 2;
            }
            ClientSettings settings = new ClientSettings(clientId, secret, authMethod, privateKey, privateKeyAlg, clientMetadataUrl, clientName,
                    "client_credentials".equals(grant), scope, enterprise);
            bearer = Logins.oauth(gateway, settings, cache, http, browser == null ? null : List.of(browser.split(" ")),
                    Duration.ofSeconds(loginTimeout), log);
        }
        log.println("portcullis connect: forwarding stdio to " + gateway
                + (tokenEnv != null ? " (bearer token from " + tokenEnv + ")" : clientId != null ? " (OAuth, client " + clientId + ")"
                : " (OAuth when the server asks)")
                + (cert != null || keystore != null ? " with a client certificate" : ""));
        new Bridge(gateway, http, bearer, System.in, protocolOut, log).run();
        return 0;
    }

    private static boolean isLoopback(URI u) {
        String h = u.getHost();
        return "127.0.0.1".equals(h) || "localhost".equals(h) || "[::1]".equals(h) || "::1".equals(h);
    }
}

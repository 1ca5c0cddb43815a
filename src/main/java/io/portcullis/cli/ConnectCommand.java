package io.portcullis.cli;

import io.portcullis.connect.Bridge;
import io.portcullis.connect.ClientTls;
import io.portcullis.connect.Logins;
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
        "Authenticates with OAuth (authorization code + PKCE, tokens cached 0600 and refreshed),",
        "a client certificate (mutual TLS), or a token from an environment variable (e.g. an API key)."})
final class ConnectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "GATEWAY_URL", description = "the gateway's MCP endpoint, e.g. https://portcullis.example.com/mcp/prod")
    URI gateway;

    @Option(names = "--client-id", description = "OAuth public client id: sign in with the authorization server the gateway names")
    String clientId;

    @Option(names = "--scope", defaultValue = "openid", description = "scopes to ask for besides the gateway's (default: ${DEFAULT-VALUE})")
    String scope;

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
        } else if (clientId != null) {
            Path cache = tokenCache != null ? tokenCache : Logins.defaultCache(gateway);
            bearer = Logins.oauth(gateway, clientId, scope, cache, http, browser == null ? null : List.of(browser.split(" ")),
                    Duration.ofSeconds(loginTimeout), log);
        }
        log.println("portcullis connect: forwarding stdio to " + gateway
                + (bearer == null ? "" : tokenEnv != null ? " (bearer token from " + tokenEnv + ")" : " (OAuth, client " + clientId + ")")
                + (cert != null || keystore != null ? " with a client certificate" : ""));
        new Bridge(gateway, http, bearer, System.in, protocolOut, log).run();
        return 0;
    }

    private static boolean isLoopback(URI u) {
        String h = u.getHost();
        return "127.0.0.1".equals(h) || "localhost".equals(h) || "[::1]".equals(h) || "::1".equals(h);
    }
}

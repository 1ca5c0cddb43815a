package io.portcullis.identity;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * mock-oauth2-server as a child process of its own (#16, the faults: the IdP is stopped mid-run by
 * its PID, as an IdP that goes down would be). Arguments: its JSON config (token callbacks) and,
 * optionally, the port to listen on (to start it again where it was, having forgotten every grant it
 * issued: {@code UserOAuthFaultsIT}). It listens on 127.0.0.1, that port or a free one, prints
 * {@code port <n>}, then answers each stdin line
 * {@code token <issuerId> <subject> <audience>} with one line: a token it issued (10 minutes).
 */
public final class IdpProcess {
    private IdpProcess() {}

    public static void main(String[] args) throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server(OAuth2Config.Companion.fromJson(args.length > 0 ? args[0] : "{}"));
        idp.start(InetAddress.getByName("127.0.0.1"), args.length > 1 ? Integer.parseInt(args[1]) : 0);
        System.out.println("port " + idp.baseUrl().port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String base = "http://127.0.0.1:" + idp.baseUrl().port();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.trim().split(" ");
            if (w.length == 4 && w[0].equals("token")) {
                Map<String, Object> claims = Map.of("iss", base + "/" + w[1], "scope", "openid mcp:tools");
                System.out.println(idp.issueToken(w[1], w[2], w[3], claims, 600).serialize());
                System.out.flush();
            }
        }
        idp.shutdown();
    }
}

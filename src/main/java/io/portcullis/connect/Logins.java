package io.portcullis.connect;

import io.portcullis.oauthclient.Challenge;
import io.portcullis.oauthclient.ClientSettings;
import io.portcullis.oauthclient.OAuthClient;
import java.awt.Desktop;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The ways {@code connect} obtains a bearer token. */
public final class Logins {
    private Logins() {}

    /** A token given once (an API key, a CI job's token): a 401 is final. */
    public static Bridge.Bearer fixed(String token) {
        return new Bridge.Bearer() {
            @Override
            public String token() {
                return token;
            }

            @Override
            public String rejected(String t, String wwwAuthenticate) throws IOException {
                throw new IOException("the gateway refused the token (401)");
            }
        };
    }

    /**
     * OAuth through the shared client ({@link OAuthClient}, issue 17): sign-in with authorization code
     * + PKCE and a loopback redirect (or client credentials), tokens cached 0600 in {@code cache}
     * and refreshed, step-up on {@code insufficient_scope}.
     *
     * @param browserCommand the command that opens the URL (the URL is appended), or null for the desktop
     *                       browser when there is one, else the URL is only printed
     */
    public static Bridge.Bearer oauth(URI gateway, ClientSettings settings, Path cache, HttpClient http,
                                      List<String> browserCommand, Duration timeout, PrintStream log) {
        OAuthClient.Browser browser = url -> {
            if (browserCommand != null) {
                List<String> cmd = new ArrayList<>(browserCommand);
                cmd.add(url.toString());
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } else if (!java.awt.GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(url);
            }
        };
        OAuthClient client = new OAuthClient(gateway, settings, http, browser, timeout, Duration.ofSeconds(15), TokenFile.read(cache),
                t -> TokenFile.write(cache, t), log);
        return new Bridge.Bearer() {
            @Override
            public String token() throws IOException {
                return client.token();
            }

            @Override
            public String rejected(String token, String wwwAuthenticate) throws IOException {
                return client.challenged(token, Challenge.parse(wwwAuthenticate));
            }
        };
    }

    /**
     * {@code connect --logout} (#17 item 3): forgets the cached tokens; true when there were some, false when there
     * was no file. A directory (a mistaken {@code --token-cache}) is never deleted: an IOException saying so.
     */
    public static boolean logout(Path cache) throws IOException {
        if (java.nio.file.Files.isDirectory(cache, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("it is a directory, not a token file; nothing was deleted");
        }
        return java.nio.file.Files.deleteIfExists(cache);
    }

    /** {@code ~/.config/portcullis/tokens/<host>_<port>_<path>.json}. */
    public static Path defaultCache(URI gateway) {
        String name = (gateway.getHost() + "_" + gateway.getPort() + gateway.getRawPath()).replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("user.home"), ".config", "portcullis", "tokens", name + ".json");
    }
}

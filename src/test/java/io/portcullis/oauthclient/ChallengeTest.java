package io.portcullis.oauthclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** C1.4, issue 17: reading the server's challenge, and the resource check (RFC 9728 section 3.3). */
class ChallengeTest {
    @Test
    void readsScopeErrorAndMetadataHint() {
        Challenge c = Challenge.parse("Bearer error=\"insufficient_scope\", scope=\"mcp:basic mcp:write\", "
                + "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", error_description=\"a, b\"");
        assertThat(c.insufficientScope()).isTrue();
        assertThat(c.scope()).isEqualTo("mcp:basic mcp:write");
        assertThat(c.resourceMetadata()).isEqualTo("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
    }

    @Test
    void noBearerChallengeMeansNothing() {
        assertThat(Challenge.parse(null)).isEqualTo(Challenge.NONE);
        assertThat(Challenge.parse("Basic realm=\"x\"")).isEqualTo(Challenge.NONE);
        assertThat(Challenge.parse("Bearer realm=\"mcp\"").scope()).isNull();
    }

    @Test
    void metadataForTheServerOrAPrefixOfItsPathIsAccepted() throws Exception {
        Discovery.checkResource(URI.create("https://mcp.example.com/mcp"), URI.create("https://mcp.example.com/mcp"));
        Discovery.checkResource(URI.create("https://MCP.example.com/mcp/prod"), URI.create("https://mcp.example.com/mcp/"));
        Discovery.checkResource(URI.create("https://mcp.example.com/mcp"), URI.create("https://mcp.example.com"));
    }

    @Test
    void metadataForAnotherResourceIsRefused() {
        // the attack: a server (or whoever answers its metadata URL) names another service's resource,
        // so that the user's token for that service would be sent here
        for (String other : new String[] {"https://evil.example.com/mcp", "http://mcp.example.com/mcp", "https://mcp.example.com/mcp2",
                "https://mcp.example.com/other", "https://mcp.example.com:8443/mcp"}) {
            assertThatThrownBy(() -> Discovery.checkResource(URI.create("https://mcp.example.com/mcp"), URI.create(other)))
                    .as(other).isInstanceOf(OAuthClientException.class).hasMessageContaining("refused").hasMessageContaining(other);
        }
    }
}

package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.portcullis.call.CallContext;
import org.junit.jupiter.api.Test;

/**
 * #16: {@link CredentialBenchmark} measures what it says (never how fast: no timing here): the
 * baseline sends nothing, the warm benchmark sends alice's cached exchanged token (the same one each
 * time), the cold one a token exchanged anew at the IdP.
 */
class CredentialBenchmarkTest {
    @Test
    void eachBenchmarkDoesWhatItsNameSays() throws Exception {
        CredentialBenchmark b = new CredentialBenchmark();
        b.setup();
        try {
            CallContext none = b.none();
            assertThat(none.trail().delegation().mode()).isEqualTo("none");
            assertThat(none.trail().delegation().headers()).isEmpty();

            String first = b.exchangeWarm().trail().delegation().authorization();
            assertThat(b.exchangeWarm().trail().delegation().authorization()).as("cached").isEqualTo(first);
            var claims = SignedJWT.parse(first.substring("Bearer ".length())).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("alice");
            assertThat(claims.getAudience()).containsExactly(CredentialBenchmark.AUDIENCE);

            b.freshExchanger();
            String cold = b.exchangeCold().trail().delegation().authorization();
            assertThat(cold).as("exchanged anew, not the cached one").isNotEqualTo(first);
            assertThat(SignedJWT.parse(cold.substring("Bearer ".length())).getJWTClaimsSet().getSubject()).isEqualTo("alice");
        } finally {
            b.stop();
        }
    }
}

package io.portcullis.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * #20 item 3 (CPU per call): each built-in detector's gate keeps its regular expression off text
 * that cannot hold a match. The gate must change no result (#11 item 8): for every corpus text, and
 * for random texts built from the pieces secrets are made of, a detector finds exactly what its
 * expression finds without the gate.
 */
class DetectorGateTest {
    private static final String[] PIECES = {"AKIA", "ASIA", "ABIA", "ACCA", "ghp_", "gho_", "ghs_", "github_pat_", "sk-", "xoxb-",
        "xoxq-", "eyJ", ".", "Bearer ", "BEARER\t", "bEaReR ", "basic ", "Basic ", "dXNlcjpwYXNz", "https://", "u:p@", "://",
        "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "PRIVATE KEY-----", "0123456789ABCDEFGHIJ",
        "abcdefghijklmnopqrstuvwxyz0123", "_", "-", " ", "\n", "\u212a", "\u0130", "\u017f", "é", "A", "a", "Z9"};

    @Test
    void item3_theGateChangesNoResultOnTheCorpus() {
        for (String text : Corpus.texts()) {
            assertSameAsUngated(text);
        }
    }

    @Test
    void item3_theGateChangesNoResultOnRandomTextsOfSecretPieces() {
        Random random = new Random(20_3);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(12); k >= 0; k--) {
                b.append(PIECES[random.nextInt(PIECES.length)]);
            }
            assertSameAsUngated(b.toString());
        }
    }

    @Test
    void item3_containsIgnoreCaseAgreesWithRegionMatchesIncludingNonAsciiCaseFolding() {
        String[] texts = {"", "a", "xBeArEr", "\u212a", "k", "K", "\u0130", "i", "\u017f", "S", "ba sic", "BASIC", "earer"};
        String[] parts = {"", "a", "bearer", "k", "K", "i", "s", "basic", "earer", "://"};
        for (String s : texts) {
            for (String p : parts) {
                assertThat(Detectors.containsIgnoreCase(s, p)).as("%s in %s", p, s).isEqualTo(naive(s, p));
            }
        }
    }

    private static void assertSameAsUngated(String text) {
        for (Detector d : Detectors.builtIn()) {
            Detectors.Regex r = (Detectors.Regex) d;
            assertThat(r.find(text)).as("%s on %s", r.kind(), text).isEqualTo(ungated(r, text));
        }
    }

    private static List<Detector.Span> ungated(Detectors.Regex r, String text) {
        List<Detector.Span> out = new ArrayList<>();
        Matcher m = r.pattern().matcher(text);
        while (m.find()) {
            if (r.confirm() == null || r.confirm().test(m.group(1))) {
                out.add(new Detector.Span(m.start(1), m.end(1), r.kind()));
            }
        }
        return out;
    }

    private static boolean naive(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }
}

package io.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** #13 item 1: the prefilter's Aho-Corasick finds exactly what a naive case-insensitive search finds. */
class KeywordsTest {
    @Test
    void item1_findsEveryOccurrenceLikeANaiveSearchOnRandomText() {
        List<String> words = List.of("sk-", "sk-ant-", "ghp_", "@", "://", "password", "pass", "akia", "ssw");
        Keywords k = new Keywords(words);
        Random r = new Random(7);
        String alphabet = "skSK-_antghpPASWORDword@:/aki Ü\uD83D\uDE00";
        for (int round = 0; round < 300; round++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String text = b.toString();
            List<String> got = new ArrayList<>();
            k.search(text, (kw, start, end) -> got.add(kw + "@" + start + "-" + end));
            List<String> want = new ArrayList<>();
            String lower = text.toLowerCase(Locale.ROOT);
            for (int i = 0; i < text.length(); i++) {
                for (int w = 0; w < words.size(); w++) {
                    if (text.regionMatches(true, i, words.get(w), 0, words.get(w).length())
                            && lower.length() == text.length()) {
                        want.add(w + "@" + i + "-" + (i + words.get(w).length() - 1));
                    }
                }
            }
            assertThat(got).containsExactlyInAnyOrderElementsOf(want);
        }
    }

    @Test
    void item1_upperCaseAndNonAsciiTextIsHandled() {
        Keywords k = new Keywords(List.of("akia"));
        List<Integer> at = new ArrayList<>();
        k.search("x AKIA ÄkIa akİa AkIa", (kw, s, e) -> at.add(s));
        assertThat(at).containsExactly(2, 17);
    }
}

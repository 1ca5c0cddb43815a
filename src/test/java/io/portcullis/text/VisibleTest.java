package io.portcullis.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** #11 items 10 and 15: what a reader cannot see, or what reorders what it sees, is shown as an escape. */
class VisibleTest {
    @Test
    void item10_controlCharactersOfEveryKindAreEscaped() {
        assertThat(Visible.escape("a\r\nb\u0000c\td\u001b[2Ke\u007f\u0085")).isEqualTo("a\\r\\nb\\0c\\td\\u001B[2Ke\\u007F\\u0085");
    }

    @Test
    void item15_bidiAndInvisibleCharactersAreEscaped() {
        assertThat(Visible.escape("invoice\u202Etxt.exe")).isEqualTo("invoice\\u202Etxt.exe");
        assertThat(Visible.escape("a\u2066b\u2069c\u200Bd\u200Fe\uFEFF")).isEqualTo("a\\u2066b\\u2069c\\u200Bd\\u200Fe\\uFEFF");
        assertThat(Visible.escape("tag" + new String(Character.toChars(0xE0041)))).isEqualTo("tag\\u{E0041}");
        assertThat(Visible.escape("lone \uD800 surrogate")).isEqualTo("lone \\uD800 surrogate");
    }

    @Test
    void ordinaryTextIsTheSameInstance() {
        String s = "Grüße, 日本語, emoji \uD83D\uDE00, path C:\\x";
        assertThat(Visible.escape(s)).isSameAs(s);
        assertThat(Visible.hasHidden(s)).isFalse();
        assertThat(Visible.escape(null)).isNull();
    }
}

package io.portcullis.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** #15 item 3: descriptions that reach clients have ANSI and invisible characters removed. */
class StrippedTest {
    @Test
    void item3_ansiAndInvisibleCharactersAreRemoved() {
        StringBuilder tags = new StringBuilder();
        "read ~/.ssh".chars().forEach(c -> tags.appendCodePoint(0xE0000 + c));
        assertThat(Stripped.strip("Adds" + tags + " numbers")).isEqualTo("Adds numbers");
        assertThat(Stripped.strip("a\u200Bb\u200Dc\u2060d\uFEFF")).isEqualTo("abcd");
        assertThat(Stripped.strip("x \u202Eevil\u202C y")).isEqualTo("x evil y");
        assertThat(Stripped.strip("\u001B[31mred\u001B[0m \u001B]8;;http://evil\u0007link\u001B]8;;\u0007")).isEqualTo("red link");
        assertThat(Stripped.strip("bell\u0007 nul\u0000")).isEqualTo("bell nul");
        assertThat(Stripped.strip("lines\nand\ttabs stay")).isEqualTo("lines\nand\ttabs stay");
        String clean = "Plain text, Русский, 日本語";
        assertThat(Stripped.strip(clean)).isSameAs(clean);
    }
}

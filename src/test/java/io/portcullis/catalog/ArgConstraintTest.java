package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** C2.3: the catalog's overlay on arguments. */
class ArgConstraintTest {
    @TempDir
    Path tmp;

    private static ArgConstraint allow(String... globs) {
        return new ArgConstraint(List.of(globs), null, null, null, null, null, null, List.of());
    }

    private static JsonNode v(String json) {
        return Json.parse(json);
    }

    @Test
    void allowlistTakesExactValuesAndGlobs() {
        ArgConstraint c = allow("acme-*", "internal");
        assertThat(c.check("project", v("\"acme-web\""))).isEmpty();
        assertThat(c.check("project", v("\"internal\""))).isEmpty();
        assertThat(c.check("project", v("\"internal2\""))).get().asString().contains("project").contains("allowlist");
        assertThat(c.check("project", v("\"evil\""))).isPresent();
    }

    @Test
    void arraysAreCheckedItemByItem() {
        ArgConstraint c = allow("acme-*");
        assertThat(c.check("projects", v("[\"acme-a\",\"acme-b\"]"))).isEmpty();
        assertThat(c.check("projects", v("[\"acme-a\",\"other\"]"))).isPresent();
    }

    @Test
    void absentValuesAreLeftToTheSchema() {
        assertThat(allow("x").check("p", null)).isEmpty();
    }

    @Test
    void nonStringsFailStringRules() {
        assertThat(allow("1").check("p", v("1"))).get().asString().contains("must be a string");
    }

    @Test
    void patternFormatLengthAndRange() {
        ArgConstraint c = new ArgConstraint(List.of(), Pattern.compile("[a-z]+"), null, 2, 5, null, null, List.of());
        assertThat(c.check("p", v("\"abc\""))).isEmpty();
        assertThat(c.check("p", v("\"a\""))).get().asString().contains("at least 2");
        assertThat(c.check("p", v("\"abcdef\""))).get().asString().contains("at most 5");
        assertThat(c.check("p", v("\"ABC\""))).get().asString().contains("pattern");
        ArgConstraint email = new ArgConstraint(List.of(), null, "email", null, null, null, null, List.of());
        assertThat(email.check("to", v("\"a@b.example\""))).isEmpty();
        assertThat(email.check("to", v("\"not-an-email\""))).get().asString().contains("valid email");
        ArgConstraint range = new ArgConstraint(List.of(), null, null, null, null, 1.0, 10.0, List.of());
        assertThat(range.check("n", v("5"))).isEmpty();
        assertThat(range.check("n", v("0"))).get().asString().contains("at least");
        assertThat(range.check("n", v("11"))).get().asString().contains("at most");
    }

    @Test
    void pathsMustStayUnderTheirRoots() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(root.resolve("ok.txt"), "x");
        ArgConstraint c = new ArgConstraint(List.of(), null, null, null, null, null, null, List.of(root));
        assertThat(c.check("path", v(Json.MAPPER.writeValueAsString(root.resolve("ok.txt").toString())))).isEmpty();
        // #11 item 2: a relative path is refused (the server would resolve it against its own directory)
        assertThat(c.check("path", v("\"ok.txt\""))).get().asString().contains("not absolute");
        assertThat(c.check("path", v(Json.MAPPER.writeValueAsString(root.resolve("new/file.txt").toString())))).isEmpty();
        assertThat(c.check("path", v(Json.MAPPER.writeValueAsString(root + "/../outside/x")))).isPresent();
        assertThat(c.check("path", v("\"../outside/x\""))).isPresent();
        assertThat(c.check("path", v("\"/etc/passwd\""))).isPresent();
    }

    @Test
    void symlinksOutOfTheRootAreCaught() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        ArgConstraint c = new ArgConstraint(List.of(), null, null, null, null, null, null, List.of(root));
        assertThat(c.check("path", v(Json.MAPPER.writeValueAsString(root.resolve("escape/secret").toString()))))
                .get().asString().contains("outside the allowed roots");
    }
}

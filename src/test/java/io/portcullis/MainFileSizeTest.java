package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** #12 ("How it is shown"): no main source file over 400 lines; a bigger one is split by what it does. */
class MainFileSizeTest {
    static final int LIMIT = 400;

    @Test
    void item4_noMainFileOver400Lines() throws IOException {
        Path main = Path.of("src/main/java");
        assertThat(main).isDirectory();
        List<String> over;
        try (Stream<Path> files = Files.walk(main)) {
            over = files.filter(p -> p.toString().endsWith(".java")).sorted()
                    .map(p -> lines(p) + " " + main.relativize(p))
                    .filter(l -> Integer.parseInt(l.substring(0, l.indexOf(' '))) > LIMIT)
                    .toList();
        }
        assertThat(over).as("main files over %d lines (lines, file)", LIMIT).isEmpty();
    }

    /** The file's line count; fails the test when a file cannot be read (never counted as small). */
    static int lines(Path p) {
        try (Stream<String> l = Files.lines(p)) {
            return (int) l.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void item4_theCountIsTheFilesLineCount() throws IOException {
        Path f = Files.createTempFile("lines", ".java");
        try {
            Files.writeString(f, "a\n".repeat(LIMIT + 1));
            assertThat(lines(f)).isEqualTo(LIMIT + 1);
        } finally {
            Files.delete(f);
        }
    }
}

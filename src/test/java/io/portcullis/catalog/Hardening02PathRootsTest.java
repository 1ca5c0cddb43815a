package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #11 item 2: {@code path_roots} refuses what the gateway cannot resolve exactly as the upstream
 * will: relative paths (the server resolves them against its own directory), {@code ~} (the
 * server expands it to its home), and spellings that are not NFC (the server may normalise them
 * onto a different file, e.g. an NFC-named symlink out of the root).
 */
class Hardening02PathRootsTest {
    @TempDir
    Path tmp;

    private static JsonNode s(String value) {
        return Json.MAPPER.valueToTree(value);
    }

    private ArgConstraint roots(Path root) {
        return new ArgConstraint(List.of(), null, null, null, null, null, null, List.of(root));
    }

    @Test
    void item2_relativePathsAreRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("public"));
        ArgConstraint c = roots(root);
        assertThat(c.check("path", s("private/secret.txt"))).get().asString().contains("absolute");
        assertThat(c.check("path", s("ok.txt"))).get().asString().contains("absolute");
        assertThat(c.check("path", s(""))).isPresent();
        assertThat(c.check("path", s(root.resolve("ok.txt").toString()))).isEmpty();
    }

    @Test
    void item2_homeRelativePathsAreRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("public"));
        ArgConstraint c = roots(root);
        assertThat(c.check("path", s("~/secret.txt"))).get().asString().contains("~");
        assertThat(c.check("path", s("~"))).isPresent();
        assertThat(c.check("path", s("~root/.ssh/id_rsa"))).isPresent();
    }

    @Test
    void item2_aSpellingThatIsNotNfcIsRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("public"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        String nfc = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
        Files.createSymbolicLink(root.resolve(nfc), outside);
        ArgConstraint c = roots(root);
        // the NFC name is a symlink out of the root: caught as before
        assertThat(c.check("path", s(root + "/" + nfc + "/secret"))).get().asString().contains("outside the allowed roots");
        // the NFD spelling names no file the gateway can see, but a server that normalises reaches the symlink
        assertThat(c.check("path", s(root + "/" + nfd + "/secret"))).get().asString().contains("NFC");
        // a plain NFC name inside the root is fine
        assertThat(c.check("path", s(root + "/r\u00e9sum\u00e9.txt"))).isEmpty();
    }

    @Test
    void item2_rootsThemselvesAreCanonical() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, real);
        // a root given through a symlink still admits the paths under the real directory it names
        ArgConstraint c = roots(link);
        assertThat(c.check("path", s(real.resolve("a.txt").toString()))).isEmpty();
        assertThat(c.check("path", s(link.resolve("a.txt").toString()))).isEmpty();
    }
}

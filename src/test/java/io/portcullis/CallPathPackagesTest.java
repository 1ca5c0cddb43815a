package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * #12 item 4 (call-core part), read off the sources: the call vocabulary ({@code io.portcullis.call})
 * is a leaf that no capability is imported into, the chain composition ({@code pipeline}) depends
 * only on it, and the capabilities that the stages use (readiness, audit, approval) do not reach
 * back into the stages. Imports and fully qualified names both count.
 */
class CallPathPackagesTest {
    private static final Path MAIN = Path.of("src/main/java/io/portcullis");
    private static final Pattern REF = Pattern.compile("io\\.portcullis\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");

    /** The io.portcullis packages the files of {@code dir} (not its subpackages) name. */
    private static List<String> uses(String dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAIN.resolve(dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = REF.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(f.getFileName() + " -> " + m.group(1));
                }
            }
        }
        return out;
    }

    private static List<String> packages(List<String> uses) {
        return uses.stream().map(u -> u.substring(u.indexOf("-> ") + 3)).distinct().sorted().toList();
    }

    @Test
    void item4_theCallPackageIsALeaf() throws IOException {
        // data it carries: the catalog entry, the principal, the policy's dry-run record; nothing else
        assertThat(packages(uses("call"))).as(uses("call").toString())
                .allMatch(p -> p.equals("call") || p.equals("catalog") || p.equals("identity") || p.equals("policy"));
    }

    @Test
    void item4_pipelineDependsOnlyOnTheCallVocabulary() throws IOException {
        assertThat(packages(uses("pipeline"))).as(uses("pipeline").toString()).containsOnly("call");
    }

    @Test
    void item4_capabilitiesDoNotReachBackIntoTheStages() throws IOException {
        for (String capability : List.of("readiness", "audit", "approval", "policy", "catalog")) {
            assertThat(packages(uses(capability))).as(capability + ": " + uses(capability))
                    .noneMatch(p -> p.startsWith("pipeline"));
        }
    }
}

package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * #20 item 3: the "Hot path profile" section of docs/performance.md. Its bench runs take minutes on a
 * quiet machine, so the suite does not run them (as {@link BenchDocSettingsTest}); it checks what
 * would make the text untrue: every {@code BENCH_*} setting it names is one bench/run.sh reads,
 * {@code BENCH_JFR} does put the gateways under Flight Recorder, and the profiles and classes it
 * points to exist.
 */
class HotPathProfileDocTest {
    private static String section() throws Exception {
        String doc = Files.readString(Path.of("docs/performance.md"));
        int at = doc.indexOf("## Hot path profile (#20 item 3)");
        assertThat(at).as("the section exists").isGreaterThanOrEqualTo(0);
        int end = doc.indexOf("\n## ", at + 1);
        return end < 0 ? doc.substring(at) : doc.substring(at, end);
    }

    @Test
    void item3_everyBenchSettingTheSectionNamesIsReadByRunSh() throws Exception {
        String run = Files.readString(Path.of("bench/run.sh"));
        Matcher m = Pattern.compile("\\bBENCH_[A-Z_]+(?==)").matcher(section());
        int n = 0;
        while (m.find()) {
            n++;
            assertThat(run).as("bench/run.sh reads %s", m.group()).contains("${" + m.group());
        }
        assertThat(n).isGreaterThanOrEqualTo(8);
    }

    @Test
    void item3_benchJfrRecordsEveryGatewayAndWaitsForTheDump() throws Exception {
        String run = Files.readString(Path.of("bench/run.sh"));
        assertThat(run).contains("-XX:StartFlightRecording=filename=$jfr_dir/$1.jfr,settings=profile,dumponexit=true");
        assertThat(run).contains("$(jfr_opts gateway) -jar \"$jar\" serve").contains("$(jfr_opts gateway-b) -jar \"$jar_b\" serve");
        assertThat(run).contains("seq \"$stop_wait\"");
    }

    @Test
    void item3_theProfilesAndClassesTheSectionNamesExist() throws Exception {
        String s = section();
        Matcher files = Pattern.compile("bench/profiles/[\\w.-]+\\.txt").matcher(s);
        int n = 0;
        while (files.find()) {
            n++;
            assertThat(Path.of(files.group())).exists();
        }
        assertThat(n).isGreaterThanOrEqualTo(1);
        for (String test : new String[] {"redact/DetectorGateTest", "audit/PendingRefusalTest", "audit/AuditRecordCpuTime",
            "bench/BenchDocSettingsTest", "audit/Robustness05FrozenDatabaseIT"}) {
            assertThat(s).contains(test.substring(test.indexOf('/') + 1));
            assertThat(Path.of("src/test/java/io/portcullis/" + test + ".java")).exists();
        }
    }
}

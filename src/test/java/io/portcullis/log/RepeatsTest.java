package io.portcullis.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** #21 item 9: a fault that repeats logs one line per kind and interval, and the next line says how many were left out. */
class RepeatsTest {

    @Test
    void item9_aThousandRepeatsMakeOneLineThenASummary() {
        Repeats r = new Repeats(Duration.ofMillis(200));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            r.log("garbage demo", more -> lines.add("garbage" + more));
        }
        r.log("disk full", more -> lines.add("disk" + more)); // another kind is not held back
        assertThat(lines).containsExactly("garbage", "disk");

        // the interval passes: the next one is logged with the count
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), "a repeat is logged again", () -> r.log("garbage demo", more -> lines.add("garbage" + more)));
        assertThat(lines.getLast()).startsWith("garbage (").contains("more like this");
        assertThat(Long.parseLong(lines.getLast().replaceAll("\\D+", " ").trim().split(" ")[0])).isGreaterThanOrEqualTo(999);
    }
}

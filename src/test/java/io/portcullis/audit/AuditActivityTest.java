package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * #18 item 4: what the console's overview counts ({@link AuditQuery#activity}), on both stores: the
 * call records per minute and outcome since a time; intent records (written before an irreversible
 * call) are not calls, and records before {@code since} are not counted.
 */
class AuditActivityTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void countsCallRecordsPerMinuteAndOutcome(Kind kind, @TempDir Path dir) throws Exception {
        try (AuditFixture f = new AuditFixture(kind, dir)) {
            Instant before = Instant.now().minus(Duration.ofMinutes(1));
            f.calls("dev", 3);
            var irreversible = AuditFixture.tool("demo__delete", false);
            f.run(AuditFixture.call("prod", "bob", irreversible, Json.object(), Origin.NONE), c -> AuditFixture.text("gone"));
            assertThatThrownBy(() -> f.run(AuditFixture.call("prod", "bob", irreversible, Json.object(), Origin.NONE), c -> {
                throw new GatewayException.Refused("policy", "not today");
            })).isInstanceOf(GatewayException.Refused.class);
            assertThat(f.one("SELECT COUNT(*) FROM audit_records WHERE kind = 'intent'")).isNotEqualTo("0");

            List<AuditQuery.Activity> counted = f.log.query().activity(before);
            Map<String, Long> byOutcome = counted.stream()
                    .collect(Collectors.groupingBy(AuditQuery.Activity::decision, Collectors.summingLong(AuditQuery.Activity::count)));
            assertThat(byOutcome).isEqualTo(Map.of("allowed", 4L, "refused", 1L));
            long minute = Instant.now().getEpochSecond() / 60;
            assertThat(counted).allSatisfy(a -> assertThat(a.minute()).isBetween(minute - 2, minute));
            assertThat(f.log.query().activity(Instant.now().plus(Duration.ofMinutes(1)))).isEmpty();
        }
    }
}

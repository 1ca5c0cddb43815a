package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** C4.2: the time column is read from the record's {@code time} without the general parser, with the same result. */
class ColumnsTest {

    @Test
    void fastTimeReadingAgreesWithInstantParse() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(0, 8_000_000_000L), r.nextInt(1_000_000_000));
            if (i % 4 == 1) {
                t = t.truncatedTo(ChronoUnit.MICROS);
            } else if (i % 4 == 2) {
                t = t.truncatedTo(ChronoUnit.MILLIS);
            } else if (i % 4 == 3) {
                t = t.truncatedTo(ChronoUnit.SECONDS);
            }
            String s = t.toString();
            assertThat(Columns.micros(s)).as(s).isEqualTo(Columns.micros(Instant.parse(s)));
        }
    }

    @Test
    void otherShapesGoThroughTheGeneralParser() {
        assertThat(Columns.micros("2026-11-24T04:47:16.1Z")).isEqualTo(Columns.micros(Instant.parse("2026-11-24T04:47:16.1Z")));
        assertThat(Columns.micros("2026-11-24T05:47:16+01:00")).isEqualTo(Columns.micros(Instant.parse("2026-11-24T04:47:16Z")));
        assertThat(Columns.micros("1969-12-31T23:59:59.5Z")).isEqualTo(Columns.micros(Instant.parse("1969-12-31T23:59:59.5Z")));
        assertThatThrownBy(() -> Columns.micros("2026-02-30T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThat(Columns.micros("2026-11-24T24:00:00Z")).isEqualTo(Columns.micros(Instant.parse("2026-11-24T24:00:00Z")));
        assertThatThrownBy(() -> Columns.micros("2026-11-24T04:47:1xZ")).isInstanceOf(DateTimeParseException.class);
        assertThat(Columns.micros("2026-11-24T04:47:16.Z")).isEqualTo(Columns.micros(Instant.parse("2026-11-24T04:47:16Z")));
    }
}

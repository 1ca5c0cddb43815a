package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue #11 item 21 and issue #21 item 9: garbage is counted against a tolerance and logged once, escaped. */
class ViolationsTest {

    @Test
    void escapeNeutralisesTerminalAndLogForgingCharacters() {
        assertThat(Violations.escape("a\u001b[31mb\r\nc\u202ed\u0085\\", 100))
                .isEqualTo("a\\u001b[31mb\\u000d\\u000ac\\u202ed\\u0085\\\\");
        assertThat(Violations.escape("x".repeat(10), 4)).isEqualTo("xxxx...");
    }

    @Test
    void theToleranceIsExceededByTheLineAfterIt() {
        Violations v = new Violations("t");
        assertThat(v.record("wrote junk", "1", 2)).isFalse();
        assertThat(v.record("wrote junk", "2", 2)).isFalse();
        assertThat(v.record("wrote junk", "3", 2)).isTrue();
        assertThat(new Violations("z").record("wrote junk", "1", 0)).isTrue();
    }

    @Test
    void item9_athousandGarbageLinesMakeOneLogLineThenOneSummary() {
        Logger logger = (Logger) LoggerFactory.getLogger(Violations.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            Violations v = new Violations("noisy");
            for (int i = 0; i < 1000; i++) {
                v.record("wrote a line that is not JSON", "\u001b[2Kforged " + i, 1_000_000);
            }
            v.flush();
            assertThat(lines.list).hasSize(2);
            assertThat(lines.list.get(0).getFormattedMessage()).contains("noisy", "not JSON", "\\u001b").doesNotContain("\u001b");
            assertThat(lines.list.get(1).getFormattedMessage()).contains("999 more");
        } finally {
            logger.detachAppender(lines);
        }
    }
}

package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue #21 item 9: a child's stderr cannot flood the gateway's log or put raw control bytes in it. */
class StderrLogTest {

    @Test
    void item9_stderrIsEscapedAndRateLimited() {
        Logger logger = (Logger) LoggerFactory.getLogger("upstream.flood");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
        try {
            StderrLog log = new StderrLog("flood");
            for (int i = 0; i < 10_000; i++) {
                log.line("\u001b[2K\rline " + i, false);
            }
            // within one second only PER_SECOND pass (a slow machine may span two windows)
            assertThat(lines.list.size()).isLessThanOrEqualTo(10_000 / 2).isGreaterThanOrEqualTo(StderrLog.PER_SECOND);
            assertThat(lines.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\u001b", "\r"));
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(null);
        }
    }
}

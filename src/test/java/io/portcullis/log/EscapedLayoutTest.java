package io.portcullis.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/**
 * #11 item 10: the text layout's converters. A logged value, and the message of a logged
 * exception (and its cause), cannot end a line or start a forged one; the stack trace keeps its
 * own line structure.
 */
class EscapedLayoutTest {
    static String layout(String message, Throwable t) {
        LoggerContext ctx = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.getInstanceConverterMap().put("escapedMsg", EscapedMessage::new);
        layout.getInstanceConverterMap().put("escapedEx", EscapedThrowable::new);
        layout.setPattern("%-5level %logger{0} %escapedMsg%n%escapedEx");
        layout.start();
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("portcullis.calls"), Level.INFO, "call {}", t, new Object[] {message});
        return layout.doLayout(e);
    }

    @Test
    void item10_aMessageValueStaysOnItsLine() {
        String out = layout("client=evil\r\nINFO  calls call call_id=forged\u0000\u001b[2K\u202E", null);
        assertThat(out).isEqualTo("INFO  calls call client=evil\\r\\nINFO  calls call call_id=forged\\0\\u001B[2K\\u202E\n");
    }

    @Test
    void item10_exceptionMessagesAreEscapedAndTheTraceKeepsItsLines() {
        Exception e = new IllegalStateException("bad tool 'x\nINFO  calls call forged'", new RuntimeException("cause\r\nforged too"));
        String out = layout("ok", e);
        assertThat(out).contains("IllegalStateException: bad tool 'x\\nINFO  calls call forged'")
                .contains("Caused by: java.lang.RuntimeException: cause\\r\\nforged too");
        for (String line : out.split("\n")) {
            assertThat(line).doesNotStartWith("INFO  calls call forged").doesNotStartWith("forged too");
        }
        assertThat(out.lines().filter(l -> l.startsWith("\tat ")).count()).isGreaterThan(1);
    }
}

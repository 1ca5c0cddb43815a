package io.portcullis.log;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.portcullis.text.Visible;

/**
 * {@code %escapedMsg} in the text log pattern (#11 item 10): the formatted message with every
 * control, bidi and invisible character escaped ({@link Visible}), so that no logged value (a
 * client's {@code clientInfo.name}, a tool name, an upstream's error text) can end a line, start
 * a fake one, move the cursor or reorder what an operator reads. Fixed here, at the layout, so
 * that every call site is covered, including ones written later. The JSON format needs no
 * converter: its encoder escapes control characters (and, as configured, every non-ASCII one).
 */
public final class EscapedMessage extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Visible.escape(super.convert(event));
    }
}

package io.portcullis.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.portcullis.text.Visible;
import java.util.List;
import net.logstash.logback.composite.JsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.encoder.LogstashEncoder;
import tools.jackson.core.JsonGenerator;

/**
 * The JSON log encoder (#11 item 10): Logstash's, with its {@code message} field escaped like the
 * text format ({@link Visible}). JSON keeps every line valid whatever the values, but a reader
 * that prints {@code .message} (e.g. {@code jq -r .message}) would otherwise see a client's CR/LF
 * as line breaks and a forged line. The structured fields ({@code client}, {@code tool}, ...)
 * keep the exact values, JSON-escaped.
 */
public final class EscapedJsonEncoder extends LogstashEncoder {
    @Override
    public void start() {
        List<JsonProvider<ILoggingEvent>> providers = getFormatter().getProviders().getProviders();
        for (JsonProvider<ILoggingEvent> p : List.copyOf(providers)) {
            if (p instanceof MessageJsonProvider m && !(p instanceof Escaped)) {
                Escaped e = new Escaped();
                e.setFieldName(m.getFieldName());
                getFormatter().getProviders().removeProvider(p);
                getFormatter().getProviders().addMessage(e);
            }
        }
        super.start();
    }

    /** The {@code message} field with control, bidi and invisible characters escaped. */
    static final class Escaped extends MessageJsonProvider {
        @Override
        public void writeTo(JsonGenerator generator, ILoggingEvent event) {
            generator.writeStringProperty(getFieldName(), Visible.escape(event.getFormattedMessage()));
        }
    }
}

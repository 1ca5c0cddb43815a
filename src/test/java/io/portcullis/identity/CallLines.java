package io.portcullis.identity;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the structured lines of a logger (e.g. {@code portcullis.calls}) while a test runs. */
final class CallLines implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level level;

    CallLines(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // whatever PORTCULLIS_LOG_LEVEL says
        appender.start();
        logger.addAppender(appender);
    }

    List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        appender.stop();
    }
}

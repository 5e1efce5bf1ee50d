package dev.ragd.chatlog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Captures everything logged through the process-wide logback context (every logger, at DEBUG,
 * with key/values and stack traces) while {@code body} runs.
 */
final class GlobalLogCapture {

    private GlobalLogCapture() {}

    static String capture(Runnable body) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger %msg %kvp%n%ex");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(buffer);
        appender.start();
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG);
        root.addAppender(appender);
        try {
            body.run();
        } finally {
            root.detachAppender(appender);
            root.setLevel(before);
            appender.stop();
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Every message in a throwable's cause chain, one per line. */
    static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }
}

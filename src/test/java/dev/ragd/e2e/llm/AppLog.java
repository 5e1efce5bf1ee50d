package dev.ragd.e2e.llm;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.ragd.ops.LogEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Captures everything the JVM's logback writes while attached, encoded by ragd's own
 * {@link LogEncoder} as JSON lines (every key/value and stack trace), with ragd's loggers at TRACE,
 * LangChain4j's at DEBUG and the rest at INFO. Restores the levels on close.
 */
final class AppLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final StringBuffer text = new StringBuffer();
    private final LogEncoder encoder = new LogEncoder();
    private final Logger root;
    private final Logger ragd;
    private final Level rootLevel;
    private final Level ragdLevel;
    private final Logger langchain;
    private final Level langchainLevel;

    private AppLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ragd = context.getLogger("dev.ragd");
        rootLevel = root.getLevel();
        ragdLevel = ragd.getLevel();
        langchain = context.getLogger("dev.langchain4j");
        langchainLevel = langchain.getLevel();
        setContext(context);
        encoder.setContext(context);
        encoder.setFormat("json");
        encoder.start();
    }

    static AppLog attach() {
        AppLog log = new AppLog();
        log.start();
        log.root.setLevel(Level.INFO);
        log.ragd.setLevel(Level.TRACE);
        log.langchain.setLevel(Level.DEBUG);
        log.root.addAppender(log);
        return log;
    }

    @Override
    protected void append(ILoggingEvent event) {
        text.append(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }

    /** All captured output so far. */
    String text() {
        return text.toString();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        root.setLevel(rootLevel);
        ragd.setLevel(ragdLevel);
        langchain.setLevel(langchainLevel);
        stop();
    }
}

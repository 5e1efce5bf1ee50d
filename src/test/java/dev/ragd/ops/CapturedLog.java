package dev.ragd.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs code against a fresh logback context configured from the real {@code logback.xml} (with the
 * given variables, e.g. {@code RAGD_LOG_FORMAT}) and returns what its
 * console appender wrote (its configured encoder, writing to a buffer).
 */
final class CapturedLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CapturedLog() {}

    static String capture(Map<String, String> variables, Consumer<LoggerContext> body) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        variables.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            configurator.doConfigure(LogEncoder.class.getResource("/logback.xml"));
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            var stdout = (OutputStreamAppender<ILoggingEvent>) root.getAppender("CONSOLE");
            OutputStreamAppender<ILoggingEvent> captured = new OutputStreamAppender<>();
            captured.setContext(context);
            captured.setEncoder(stdout.getEncoder());
            captured.setOutputStream(buffer);
            captured.start();
            root.detachAppender(stdout);
            root.addAppender(captured);
            body.accept(context);
        } catch (ch.qos.logback.core.joran.spi.JoranException e) {
            throw new IllegalStateException(e);
        } finally {
            context.stop();
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Every line parsed as JSON (fails the test if one is not). */
    static List<JsonNode> jsonLines(String output) {
        return output.lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("not a JSON line: " + line, e);
            }
        }).toList();
    }
}

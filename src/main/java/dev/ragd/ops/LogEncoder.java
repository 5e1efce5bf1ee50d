package dev.ragd.ops;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder for ragd's two log formats, chosen by {@code <format>} ({@code RAGD_LOG_FORMAT}).
 *
 * <p>{@code json} (default): one JSON object per line with {@code ts} (ISO-8601 UTC), {@code level},
 * {@code logger}, {@code thread}, {@code msg}, then every SLF4J key/value pair and MDC entry as its
 * own top-level field (numbers and booleans stay JSON numbers and booleans, maps become objects),
 * then {@code error} and {@code stack} when there is a throwable. A key that clashes with one of
 * the fixed fields is written with a leading underscore.
 *
 * <p>{@code text}: a human line, {@code <ts> <LEVEL> [thread] logger - message key="value"...}.
 * An unknown format is reported through logback's status (printed at startup) and JSON is used.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

    static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} - %msg %kvp%n%ex";
    private static final Set<String> FIXED = Set.of("ts", "level", "logger", "thread", "msg", "error", "stack");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String format = "json";
    private PatternLayout text;

    /** {@code json} or {@code text}, case-insensitive. */
    public void setFormat(String format) {
        this.format = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public void start() {
        if (!format.equals("json") && !format.equals("text")) {
            addError("RAGD_LOG_FORMAT='" + format + "' must be json or text; using json");
            format = "json";
        }
        if (format.equals("text")) {
            text = new PatternLayout();
            text.setContext(getContext());
            text.setPattern(TEXT_PATTERN);
            text.start();
        }
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = text != null ? text.doLayout(event) : json(event);
        return line.getBytes(StandardCharsets.UTF_8);
    }

    static String json(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("msg", event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    writeField(g, kv.key, kv.value);
                }
            }
            for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
                writeField(g, e.getKey(), e.getValue());
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                g.writeStringField("error", error.getClassName() + ": " + error.getMessage());
                g.writeStringField("stack", ThrowableProxyUtil.asString(error));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void writeField(JsonGenerator g, String key, Object value) throws IOException {
        String name = FIXED.contains(key) ? "_" + key : String.valueOf(key);
        g.writeFieldName(name);
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            g.writeObject(value);
            return;
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
            String nested;
            try {
                nested = MAPPER.writeValueAsString(value);
            } catch (IOException e) {
                nested = null;
            }
            if (nested != null) {
                g.writeRawValue(nested);
                return;
            }
        }
        g.writeString(value.toString());
    }
}

package dev.ragd.ops;

import dev.ragd.config.RagdConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the effective configuration once at startup as one line: message
 * {@code effective configuration}, field {@code config} = an object of variable name to value.
 *
 * <p>Secrets never reach the log: values of variables named in {@link RagdConfig#SECRETS}, and of
 * any variable whose name looks secret ({@code *_KEY}, {@code *_SECRET}, {@code *_PASSWORD},
 * {@code *_TOKEN}, {@code *_CREDENTIALS}...), are replaced by {@code ****} (an empty value stays empty).
 */
public final class StartupLog {

    static final String MASK = "****";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(^|_)(KEY|API_KEY|SECRET|PASSWORD|PASSWD|PWD|TOKEN|CREDENTIALS?|CONNECTION_STRING)$",
            Pattern.CASE_INSENSITIVE);

    private final Logger logger;

    /** Logs to the {@code dev.ragd.startup} logger. */
    public StartupLog() {
        this(LoggerFactory.getLogger("dev.ragd.startup"));
    }

    public StartupLog(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /** Logs {@code config.describe()} with secrets masked. */
    public void logConfig(RagdConfig config) {
        logSettings(config.describe(), RagdConfig.SECRETS);
    }

    /** Logs {@code settings} (name to value, order kept), masking {@code secretNames} and secret-looking names. */
    public void logSettings(Map<String, String> settings, Set<String> secretNames) {
        logger.atInfo().addKeyValue("config", masked(settings, secretNames)).log("effective configuration");
    }

    /** A copy of {@code settings} with secret values replaced by {@code ****}. */
    public static Map<String, String> masked(Map<String, String> settings, Set<String> secretNames) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((name, value) -> out.put(name, isSecret(name, secretNames) && value != null
                && !value.isEmpty() ? MASK : value));
        return out;
    }

    static boolean isSecret(String name, Set<String> secretNames) {
        return secretNames.contains(name) || SECRET_NAME.matcher(name).find();
    }
}

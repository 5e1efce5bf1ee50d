package dev.ragd.config;

/** A configuration value that breaks a rule; the message names the variable and the rule. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

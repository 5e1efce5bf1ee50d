package dev.ragd.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, validated reads from a map of environment variables. Every failure names the variable and
 * the rule it broke.
 */
public final class Env {

    private final Map<String, String> vars;
    private final Path dotEnvFile;

    public Env(Map<String, String> vars) {
        this(vars, null);
    }

    private Env(Map<String, String> vars, Path dotEnvFile) {
        this.vars = Map.copyOf(vars);
        this.dotEnvFile = dotEnvFile;
    }

    /**
     * The process environment, on top of a {@code .env} file in {@code workDir} when one exists
     * (real environment variables win over the file).
     */
    public static Env load(Map<String, String> processEnv, Path workDir) {
        Path file = workDir.resolve(".env");
        Map<String, String> merged = new HashMap<>(readDotEnv(file));
        merged.putAll(processEnv);
        return new Env(merged, Files.isRegularFile(file) ? file : null);
    }

    /**
     * The {@code .env} file {@link #load} read underneath the process environment; empty when there
     * was none (or this Env was built from a map).
     */
    public Optional<Path> dotEnvFile() {
        return Optional.ofNullable(dotEnvFile);
    }

    static Map<String, String> readDotEnv(Path file) {
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException(".env: cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(".env line " + (i + 1) + ": expected NAME=value");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(line.substring(0, eq).strip(), value);
        }
        return out;
    }

    /** Every set variable whose name starts with {@code prefix}, by name. */
    public java.util.SortedMap<String, String> withPrefix(String prefix) {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        vars.forEach((k, v) -> {
            if (k.startsWith(prefix) && v != null && !v.isBlank()) {
                m.put(k, v.strip());
            }
        });
        return m;
    }

    public String raw(String name) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public String string(String name, String defaultValue) {
        String v = raw(name);
        return v == null ? defaultValue : v;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "='" + v + "' must be a whole number from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name + "=" + parsed + " must be from " + min + " to " + max);
        }
        return parsed;
    }

    public double decimal(String name, double defaultValue, double min, double max) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "='" + v + "' must be a number from " + min + " to " + max);
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new ConfigException(name + "=" + v + " must be from " + min + " to " + max);
        }
        return parsed;
    }

    public boolean bool(String name, boolean defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + "='" + v + "' must be true or false");
        };
    }

    public String oneOf(String name, String defaultValue, Set<String> allowed) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw new ConfigException(name + "='" + v + "' must be one of " + allowed.stream().sorted().toList());
        }
        return lower;
    }
}

package dev.ragd.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Truly stateless mode and where the index lives.
 *
 * @param enabled          {@code RAGD_STATELESS}: refuse every store that writes to local disk (default false;
 *                         the container image sets true)
 * @param indexDirSetting  {@code RAGD_INDEX_DIR} as given, or null for the default {@code <RAGD_DATA_DIR>/index}
 */
public record StatelessConfig(boolean enabled, Path indexDirSetting) {

    public static StatelessConfig from(Env env) {
        String dir = env.raw("RAGD_INDEX_DIR");
        return new StatelessConfig(env.bool("RAGD_STATELESS", false), dir == null ? null : Path.of(dir));
    }

    /** Not stateless, the index under the data directory. */
    public static StatelessConfig defaults() {
        return new StatelessConfig(false, null);
    }

    /** Where the index lives: {@code RAGD_INDEX_DIR}, or {@code <dataDir>/index} when it is not set. */
    public Path indexDir(Path dataDir) {
        return indexDirSetting != null ? indexDirSetting : dataDir.resolve("index");
    }

    /** {@code RAGD_STATELESS} and {@code RAGD_INDEX_DIR} for the effective-configuration table. */
    public Map<String, String> describe(Path dataDir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_STATELESS", Boolean.toString(enabled));
        m.put("RAGD_INDEX_DIR", indexDir(dataDir).toString());
        return m;
    }
}

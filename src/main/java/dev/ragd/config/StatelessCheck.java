package dev.ragd.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The startup gate of {@code RAGD_STATELESS=true}: refuses every setting that would make the
 * service write to local disk, naming it. Does nothing when stateless mode is off.
 */
public final class StatelessCheck {

    private StatelessCheck() {}

    /**
     * Verifies stateless mode with the real {@link Writability#probe()}.
     *
     * @throws ConfigException naming the first offending setting
     */
    public static void verify(RagdConfig config, StatelessConfig stateless, Env env) {
        verify(config, stateless, env, Writability.probe());
    }

    /**
     * Verifies, in order: the chat log does not write to local disk ({@code RAGD_CHATLOG} is not
     * {@code file}); no {@code .env} file was read; the index directory ({@code RAGD_INDEX_DIR})
     * exists, is a directory and is not writable by this process.
     *
     * @throws ConfigException naming the first offending setting
     */
    public static void verify(RagdConfig config, StatelessConfig stateless, Env env, Writability writability) {
        if (!stateless.enabled()) {
            return;
        }
        if ("file".equals(config.chatLog().backend())) {
            throw new ConfigException("RAGD_STATELESS=true refuses RAGD_CHATLOG=file (it writes to local disk);"
                    + " use postgres, cosmos or none");
        }
        env.dotEnvFile().ifPresent(file -> {
            throw new ConfigException("RAGD_STATELESS=true refuses the .env file at " + file.toAbsolutePath()
                    + ": set the variables in the process environment instead");
        });
        Path index = stateless.indexDir(config.dataDir());
        if (!Files.exists(index)) {
            throw new ConfigException("RAGD_STATELESS=true needs an index: RAGD_INDEX_DIR=" + index
                    + " does not exist; build one with `ragd ingest` (e.g. at image build time) and mount it read-only");
        }
        if (!Files.isDirectory(index)) {
            throw new ConfigException("RAGD_INDEX_DIR=" + index + " is not a directory");
        }
        if (writability.canWrite(index)) {
            throw new ConfigException("RAGD_STATELESS=true refuses a writable index directory RAGD_INDEX_DIR="
                    + index + ": mount it read-only");
        }
    }
}

package dev.ragd.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process could write into a directory. The real check ({@link #probe()}) is honest for
 * root too: mode bits do not stop root, a read-only mount does.
 */
@FunctionalInterface
public interface Writability {

    /** True when this process can create files in the existing directory {@code dir}. */
    boolean canWrite(Path dir);

    /**
     * The real check: not writable when the directory's file store is read-only or {@code access(2)}
     * denies writing (it reports {@code EROFS} for a read-only mount even to root); otherwise it
     * creates and deletes a probe file, and only a successful probe counts as writable. The probe
     * runs only where writing is already allowed, i.e. in the case that is refused anyway.
     */
    static Writability probe() {
        return dir -> {
            try {
                if (Files.getFileStore(dir).isReadOnly() || !Files.isWritable(dir)) {
                    return false;
                }
                Path probe = Files.createTempFile(dir, ".ragd-write-probe-", ".tmp");
                Files.deleteIfExists(probe);
                return true;
            } catch (IOException | SecurityException | UnsupportedOperationException e) {
                return false;
            }
        };
    }
}

package dev.ragd.chatlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the records of the H2 store that ragd used before SQLite ({@code <dir>/ragd.mv.db}, any of
 * its layouts: {@link H2ChatLog} brings older ones up to date as it opens them) into the SQLite store
 * in the same directory, then renames the H2 file to {@value #MIGRATED_FILE}, which ragd never
 * reads again (delete it once you are satisfied).
 *
 * <p>No record is lost: every record is upserted (by id, so a repeated run changes nothing) and
 * durable before the H2 file is renamed, and the copy is checked by count first. A migration cut
 * short (crash, kill) leaves the H2 file in place and is simply done again on the next open. Two
 * processes opening the directory at once take turns on {@value #LOCK_FILE} (an OS lock, released
 * when its process dies, so it is never stale); the second finds the work done.
 */
final class H2Migration {

    private static final Logger log = LoggerFactory.getLogger(H2Migration.class);
    static final String H2_FILE = "ragd.mv.db";
    static final String MIGRATED_FILE = "ragd.mv.db.migrated";
    static final String LOCK_FILE = "migration.lock";
    private static final int PAGE = 500;
    /** In-process turns: a JVM may not hold two OS locks on one file. */
    private static final Object JVM_LOCK = new Object();

    private H2Migration() {}

    static void migrateIfPresent(Path dir, FileChatLog target) {
        Path h2 = dir.resolve(H2_FILE);
        if (!Files.exists(h2)) {
            return;
        }
        synchronized (JVM_LOCK) {
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                if (Files.exists(h2)) {
                    migrate(dir, h2, target);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("chat log " + dir + ": cannot migrate the H2 store " + h2, e);
            }
        }
    }

    private static void migrate(Path dir, Path h2, FileChatLog target) throws IOException {
        long started = System.nanoTime();
        log.atInfo().addKeyValue("from", h2).addKeyValue("to", dir.resolve(FileChatLog.DB_FILE))
                .log("migrating the H2 chat log to SQLite; open waits for it");
        long copied = 0;
        try (H2ChatLog old = new H2ChatLog(dir)) {
            List<ChatRecord> page = new ArrayList<>(PAGE);
            long[] count = {0};
            old.forEachRecord(r -> {
                page.add(r);
                if (page.size() == PAGE) {
                    target.upsertAll(page);
                    count[0] += page.size();
                    page.clear();
                }
            });
            target.upsertAll(page);
            copied = count[0] + page.size();
        }
        long stored = target.count();
        if (stored < copied) {
            throw new IllegalStateException("chat log " + dir + ": migration from " + h2 + " copied " + copied
                    + " records but the new store holds only " + stored + "; the H2 file is left in place");
        }
        Files.move(h2, dir.resolve(MIGRATED_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.atInfo().addKeyValue("records", copied).addKeyValue("kept_as", dir.resolve(MIGRATED_FILE))
                .addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000)
                .log("chat log migrated from H2 to SQLite");
    }
}

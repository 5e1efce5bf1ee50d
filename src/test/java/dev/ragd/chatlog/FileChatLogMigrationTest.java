package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a directory that holds the H2 store of the previous release moves every record to SQLite. */
class FileChatLogMigrationTest {

    @TempDir
    Path dir;

    @Test
    void storeWrittenByTheH2ReleaseIsMigratedOnOpenWithEveryRecordIntact() {
        List<ChatRecord> written = h2Records();
        try (H2ChatLog release = new H2ChatLog(dir)) { // the H2 store code as released, unchanged
            written.forEach(release::upsert);
        }
        assertThat(FileChatLog.exists(dir)).as("ragd logs sees the store before it is migrated").isTrue();

        try (FileChatLog log = new FileChatLog(dir)) {
            assertThat(all(log)).containsExactlyElementsOf(H2ChatLogTest.newestFirst(written));
            log.upsert(record("after-upgrade", T0.plusSeconds(10_000)));
        }

        assertThat(dir.resolve(H2Migration.H2_FILE)).doesNotExist();
        assertThat(dir.resolve(H2Migration.MIGRATED_FILE)).exists();
        try (FileChatLog again = new FileChatLog(dir)) {
            assertThat(all(again)).hasSize(written.size() + 1).first().extracting(ChatRecord::id).isEqualTo("after-upgrade");
            assertThat(again.find(ChatLogQuery.all(5).withUser("ada@example.com").withStatus(Status.completed)))
                    .extracting(ChatRecord::id).containsExactly("after-upgrade", "h2-1199", "h2-1198", "h2-1197", "h2-1196");
        }
    }

    @Test
    void storeWithTheOlderClobLayoutIsMigratedToo() throws Exception {
        List<ChatRecord> written = H2ChatLogTest.writeWithOldSchema(dir);

        try (FileChatLog log = new FileChatLog(dir)) {
            assertThat(all(log)).containsExactlyElementsOf(H2ChatLogTest.newestFirst(written));
        }
        assertThat(dir.resolve(H2Migration.H2_FILE)).doesNotExist();
    }

    @Test
    void migrationCutShortIsDoneAgainOnTheNextOpenAndTheH2VersionOfACopiedRecordWins() {
        try (FileChatLog partial = new FileChatLog(dir)) { // as if a first migration had copied one record, then died
            partial.upsert(new ChatRecord("h2-0", "stale", T0, "", null, List.of(), Status.cancelled, "m", 0, 0, 0, 0, 0));
        }
        List<ChatRecord> written = h2Records();
        try (H2ChatLog release = new H2ChatLog(dir)) {
            written.forEach(release::upsert);
        }

        try (FileChatLog log = new FileChatLog(dir)) {
            assertThat(all(log)).containsExactlyElementsOf(H2ChatLogTest.newestFirst(written));
        }
    }

    @Test
    void directoryWithoutAnH2StoreIsLeftAlone() throws Exception {
        try (FileChatLog log = new FileChatLog(dir)) {
            log.upsert(record("new", T0));
        }

        assertThat(dir.resolve(H2Migration.MIGRATED_FILE)).doesNotExist();
        assertThat(dir.resolve(H2Migration.LOCK_FILE)).doesNotExist();
        assertThat(Files.exists(dir.resolve(FileChatLog.DB_FILE))).isTrue();
    }

    /** More records than one migration page, and the awkward ones: nulls, Unicode, one larger than H2's inline column. */
    private static List<ChatRecord> h2Records() {
        List<ChatRecord> records = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            records.add(record("h2-" + i, T0.plusMillis(i), "question " + i, "answer " + i + " [1]"));
        }
        records.add(new ChatRecord("h2-nulls", null, T0.minusSeconds(10), null, null, List.of(), Status.failed, null,
                0, 0, 0, 0, 0));
        records.add(record("h2-unicode-é-😀", T0.minusSeconds(11), "Ünïcödé 日本語 🚀 \u0000", "Ω≈ç√ 😀 ".repeat(1000)));
        records.add(record("h2-huge", T0.minusSeconds(12), "q", "x".repeat(H2ChatLog.INLINE_MAX_CHARS + 10)));
        return records;
    }

    private static List<ChatRecord> all(ChatLog log) {
        List<ChatRecord> out = new ArrayList<>();
        log.forEachRecord(out::add);
        return out;
    }
}

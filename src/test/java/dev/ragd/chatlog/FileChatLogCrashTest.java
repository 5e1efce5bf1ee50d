package dev.ragd.chatlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store when its process dies mid-write: a child JVM writes records from 8 threads and is
 * SIGKILLed at a random moment, many times over one store. Every record whose upsert had returned
 * (the child prints its id only then) must be there afterwards, and the store must open and pass
 * SQLite's integrity check each time.
 */
class FileChatLogCrashTest {

    private static final int ROUNDS = 12;

    @TempDir
    Path dir;

    @Test
    void everyRecordWhoseWriteReturnedSurvivesRepeatedKillNine() throws Exception {
        Random random = new Random(42);
        Set<String> acknowledged = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            Process child = ChatLogProcess.start(dir, "flood", "r" + round);
            Set<String> mine = new HashSet<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String first = ChatLogProcess.next(out);
                assertThat(first).as("round %d: the child wrote nothing", round).isNotNull();
                mine.add(first);
                // kill after a random number of further acknowledged writes (and so at a random point of a commit)
                int more = random.nextInt(400);
                for (int i = 0; i < more; i++) {
                    String id = ChatLogProcess.next(out);
                    assertThat(id).as("round %d: the child stopped writing", round).isNotNull();
                    mine.add(id);
                }
                // SIGKILL (no shutdown hook, no close) through the handle, which leaves our end of its stdout open
                child.toHandle().destroyForcibly();
                for (String id = ChatLogProcess.next(out); id != null; id = ChatLogProcess.next(out)) {
                    mine.add(id); // acknowledged before the kill landed
                }
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            acknowledged.addAll(mine);

            assertThat(integrityCheck()).isEqualTo("ok");
            try (FileChatLog log = new FileChatLog(dir)) {
                Set<String> present = new HashSet<>();
                log.forEachRecord(r -> present.add(r.id()));
                assertThat(present).as("after round %d", round).containsAll(acknowledged);
            }
        }
        assertThat(acknowledged).hasSizeGreaterThan(ROUNDS);
    }

    private String integrityCheck() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FileChatLog.DB_FILE));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

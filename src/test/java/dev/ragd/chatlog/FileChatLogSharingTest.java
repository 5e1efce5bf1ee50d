package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store shared between instances and processes, and its durability. */
class FileChatLogSharingTest {

    @TempDir
    Path dir;

    @Test
    void twoInstancesOnOneDirectorySeeEachOthersWrites() {
        try (FileChatLog writer = new FileChatLog(dir); FileChatLog reader = new FileChatLog(dir)) {
            writer.upsert(record("w1", T0));

            assertThat(reader.recent(10)).containsExactly(record("w1", T0));
        }
    }

    @Test
    void reopeningAnExistingStoreKeepsItsRecords() {
        try (FileChatLog first = new FileChatLog(dir)) {
            first.upsert(record("kept", T0));
        }

        try (FileChatLog again = new FileChatLog(dir)) {
            assertThat(again.recent(10)).extracting(ChatRecord::id).containsExactly("kept");
        }
    }

    @Test
    void directoryWithSpacesAndNonAsciiCharactersWorks() {
        Path odd = dir.resolve("my data/chät log");

        try (FileChatLog log = new FileChatLog(odd)) {
            log.upsert(record("odd", T0));
            assertThat(log.recent(1)).extracting(ChatRecord::id).containsExactly("odd");
        }
        assertThat(odd.resolve(FileChatLog.DB_FILE)).exists();
    }

    @Test
    void recordSurvivesTheWritingProcessBeingKilledRightAfterUpsertReturns() throws Exception {
        Process child = ChatLogProcess.start(dir, "halt", "durable");
        try (BufferedReader out = reader(child)) {
            assertThat(ChatLogProcess.next(out)).isEqualTo("written");
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        try (FileChatLog log = new FileChatLog(dir)) {
            assertThat(log.recent(10)).containsExactly(record("durable", T0));
        }
    }

    @Test
    void anotherProcessCanReadAndWriteWhileTheServerProcessHoldsTheStore() throws Exception {
        Process server = ChatLogProcess.start(dir, "hold", "from-server");
        try (BufferedReader out = reader(server);
                PrintWriter in = new PrintWriter(server.outputWriter(StandardCharsets.UTF_8), true)) {
            assertThat(ChatLogProcess.next(out)).isEqualTo("ready");

            try (FileChatLog logs = new FileChatLog(dir)) {
                assertThat(logs.recent(10)).extracting(ChatRecord::id).containsExactly("from-server");
                logs.upsert(record("from-cli", T0.plusSeconds(1)));
            }
            in.println("list");
            assertThat(ChatLogProcess.next(out)).isEqualTo("from-cli,from-server");

            try (FileChatLog again = new FileChatLog(dir)) {
                again.upsert(record("from-cli-2", T0.plusSeconds(2)));
            }
            in.println("list");
            assertThat(ChatLogProcess.next(out)).isEqualTo("from-cli-2,from-cli,from-server");
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientKeepsWorkingAfterTheProcessThatServedTheFileExits() throws Exception {
        Process server = ChatLogProcess.start(dir, "hold", "first");
        try (BufferedReader out = reader(server)) {
            assertThat(ChatLogProcess.next(out)).isEqualTo("ready");
            try (FileChatLog client = new FileChatLog(dir)) {
                assertThat(client.recent(10)).hasSize(1);
                client.upsert(record("before", T0.plusSeconds(1))); // its prepared MERGE is on the old link

                server.outputWriter(StandardCharsets.UTF_8).close();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
                client.upsert(record("after", T0.plusSeconds(2)));

                assertThat(client.recent(10)).extracting(ChatRecord::id).containsExactly("after", "before", "first");
            }
        } finally {
            server.destroy();
        }
    }

    @Test
    void twoProcessesWritingAtOnceKeepEveryRecordOfBoth() throws Exception {
        Process other = ChatLogProcess.start(dir, "count", "child");
        try (BufferedReader out = reader(other); FileChatLog log = new FileChatLog(dir)) {
            assertThat(ChatLogProcess.next(out)).startsWith("child-"); // it is writing now
            for (int i = 0; i < 1000; i++) {
                log.upsert(record("parent-" + i, T0.plusMillis(i)));
            }
            String line = ChatLogProcess.next(out);
            while (line != null && !line.equals("done")) {
                line = ChatLogProcess.next(out);
            }
            assertThat(line).isEqualTo("done");
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();

            java.util.Set<String> ids = new java.util.HashSet<>();
            log.forEachRecord(r -> ids.add(r.id()));
            assertThat(ids).hasSize(2000).contains("parent-0", "parent-999", "child-0", "child-999");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aPruneFromAnotherProcessRunsWhileTheServerProcessKeepsWriting() throws Exception {
        Process server = ChatLogProcess.start(dir, "flood", "live");
        try (BufferedReader out = reader(server); FileChatLog logs = new FileChatLog(dir)) {
            for (int i = 0; i < 200; i++) {
                assertThat(ChatLogProcess.next(out)).isNotNull();
            }

            long pruned = logs.delete(java.time.Instant.now());

            assertThat(pruned).isGreaterThanOrEqualTo(200);
            for (int i = 0; i < 200; i++) {
                assertThat(ChatLogProcess.next(out)).as("the server's writes go on after the prune").isNotNull();
            }
        } finally {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }
}

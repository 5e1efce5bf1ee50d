package dev.ragd.ops.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocustStatsTest {

    @TempDir
    Path dir;

    @Test
    void failuresAreGroupedByWhatTheUserSaw() {
        assertThat(LocustStats.kind("ErrorFrame: busy (retry after 1000 ms) waiting for the first token: too many answers"))
                .isEqualTo("busy");
        assertThat(LocustStats.kind("ErrorFrame: rate_limited: the model is rate limited")).isEqualTo("rate_limited");
        // as a master shows what its workers reported
        assertThat(LocustStats.kind("'ErrorFrame: busy (retryable) before the first token: too many'")).isEqualTo("busy");
        assertThat(LocustStats.kind("'Timeout: no end frame within 30 s'")).isEqualTo("timeout");
        assertThat(LocustStats.kind("Timeout: no end frame within 30 s (after 3 tokens)")).isEqualTo("timeout");
        assertThat(LocustStats.kind("EarlyClose: close 1001 going away after 2 tokens")).isEqualTo("close_1001");
        assertThat(LocustStats.kind("EarlyClose: connection lost before the first token (ConnectionResetError)"))
                .isEqualTo("connection_lost");
        assertThat(LocustStats.kind("ErrorClose: close 1011 internal error")).isEqualTo("close_1011");
        assertThat(LocustStats.kind("Refused: close 1000 without an answer")).isEqualTo("refused");
        assertThat(LocustStats.kind("ProtocolViolation: a binary frame")).isEqualTo("protocol");
        assertThat(LocustStats.kind("ConnectFailed: handshake refused: Handshake status 429 Too Many Requests"))
                .isEqualTo("http_429");
        assertThat(LocustStats.kind("ConnectFailed: connection refused")).isEqualTo("refused");
        assertThat(LocustStats.kind("ConnectFailed: timed out")).isEqualTo("timeout");
        assertThat(LocustStats.kind("ConnectFailed: OSError: no route")).isEqualTo("failed");
        assertThat(LocustStats.kind("HttpStatus: HTTP 503 from the model")).isEqualTo("http_503");
        assertThat(LocustStats.kind("StreamError: the stream said error")).isEqualTo("stream_error");
    }

    @Test
    void aStepIsReadFromLocustsCsvFiles() throws Exception {
        // The columns and quoting of Locust 2.12's --csv files.
        String header = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
                + "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,"
                + "95%,98%,99%,99.9%,99.99%,100%\n";
        Files.writeString(dir.resolve("s_stats.csv"), header
                + "WS,connect,12,1,3,4.1,1,30,0,1.2,0.1,3,4,4,5,8,12,20,30,30,30,30\n"
                + "WS,time to first token,40,0,320,330,300,900,20,4,0,320,330,340,350,400,610,800,880,900,900,900\n"
                + "WS,full answer,44,4,3400,3500,3300,9000,600,4.4,0.4,3400,3500,3500,3600,3800,4100,5000,8800,9000,9000,9000\n"
                + "WS,tokens/s,40,0,50,49,40,60,150,4,0,50,50,51,52,55,57,58,59,60,60,60\n"
                + "WS,server close while idle,2,2,0,0,0,0,0,0.2,0.2,0,0,0,0,0,0,0,0,0,0,0\n"
                + ",Aggregated,138,7,100,1000,0,9000,200,13.8,0.7,100,300,400,500,3000,3500,4000,5000,9000,9000,9000\n");
        Files.writeString(dir.resolve("s_failures.csv"), "Method,Name,Error,Occurrences\n"
                + "WS,full answer,\"ErrorFrame: busy (retry after 500 ms) waiting: too many, \"\"really\"\"\",3\n"
                + "WS,full answer,Timeout: no end frame within 30 s (after 2 tokens),1\n"
                + "WS,connect,ConnectFailed: handshake refused: Handshake status 429 Too Many Requests,1\n"
                + "WS,server close while idle,EarlyClose: close 1001 idle timeout,2\n");

        LocustStats s = LocustStats.read(dir.resolve("s"));

        assertThat(s.questions()).isEqualTo(44);
        assertThat(s.answers()).isEqualTo(40);
        assertThat(s.connects()).isEqualTo(12);
        assertThat(s.ttft()).containsExactly(320, 610, 880);
        assertThat(s.answer()).containsExactly(3400, 4100, 8800);
        assertThat(s.tokens()).isEqualTo(40 * 150.0);
        // Question failures and failed connects; an idle close is a reconnect, not a failed question.
        assertThat(s.errorsByKind()).isEqualTo(Map.of("busy", 3L, "timeout", 1L, "connect_http_429", 1L));
        assertThat(s.idleCloses()).isEqualTo(2);
    }

    @Test
    void aStepWithoutAnswersHasUnknownPercentiles() throws Exception {
        Files.writeString(dir.resolve("e_stats.csv"), "Type,Name,Request Count,Failure Count,Average Content Size,50%,95%,99%\n"
                + "WS,connect,5,5,0,N/A,N/A,N/A\n");
        Files.writeString(dir.resolve("e_failures.csv"), "Method,Name,Error,Occurrences\n"
                + "WS,connect,ConnectFailed: connection refused,5\n");

        LocustStats s = LocustStats.read(dir.resolve("e"));

        assertThat(s.questions()).isZero();
        assertThat(s.ttft()).containsExactly(-1, -1, -1);
        assertThat(s.errorsByKind()).isEqualTo(Map.of("connect_refused", 5L));
    }
}

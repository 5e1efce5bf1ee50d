package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.SharedApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The book's kind of client, in Python with websocket-client ({@code src/test/resources/book-client.py}),
 * against the real server: the regex-based token extraction yields the answer ragd logged.
 * Skipped when {@code /usr/bin/python3} lacks the {@code websocket} module
 * ({@code apt-get install python3-websocket}).
 */
class PythonBookClientE2ETest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @RegisterExtension
    static final SharedApp APP = SharedApp.standard();

    @BeforeAll
    static void needsPythonWebsocketClient() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3");
        Result probe = run(PYTHON.toString(), "-c", "import websocket");
        assumeTrue(probe.exit == 0, "needs python3-websocket (apt-get install python3-websocket): " + probe.output);
    }

    @Test
    void pythonBookClientPrintsTheCitedAnswerThatWasLogged() throws Exception {
        Path script = Path.of(PythonBookClientE2ETest.class.getResource("/book-client.py").toURI());
        String email = "python-" + System.nanoTime() + "@example.org";

        Result result = run(PYTHON.toString(), script.toString(), Integer.toString(APP.get().port()), email,
                BookSocketE2ETest.QUESTION);

        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.output.lines().toList()).hasSize(2);
        String answer = result.output.lines().findFirst().orElseThrow();
        assertThat(answer).startsWith("ANSWER: ").contains("5 years [1]");
        assertThat(result.output).contains("CLOSE: 1000");
        ChatRecord record = APP.get().app().chatLog().recent(1000).stream()
                .filter(r -> email.equals(r.userEmail())).findFirst()
                .orElseThrow(() -> new AssertionError("no record for " + email));
        assertThat(answer.substring("ANSWER: ".length())).isEqualTo(record.finalAnswer());
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
    }

    record Result(int exit, String output) {}

    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}

package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.eval.EvalQuestions;
import dev.ragd.eval.Metrics;
import dev.ragd.eval.QuestionResult;
import dev.ragd.eval.ResultsFile;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.testsupport.MockModel;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ragd eval} in-process, through the real offline pipeline on the sample corpus. */
class EvalCommandTest {

    /** One index for the class: the sample corpus, seeded by the first run. */
    @TempDir
    static Path dataDir;

    @TempDir
    Path workDir;

    static final String SET = """
            {"id":"price","kind":"attribute","question":"How much does the Aurora Kettle cost?","expected_docs":["K-101"],"expected_facts":["49.00"]}
            {"id":"ship","kind":"help","question":"How much is express delivery?","expected_docs":["shipping.md"],"expected_facts":["14.95"]}
            {"id":"refuse","kind":"refusal","question":"What is the capital of Australia?","should_refuse":true}
            """;

    record Result(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    Result ragd(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_DATA_DIR", dataDir.toString(), "RAGD_EXTRACTIVE_TOKEN_MS", "0"));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    Result ragd(String... args) {
        return ragd(Map.of(), args);
    }

    Path questions(String text) throws Exception {
        Path file = workDir.resolve("set.jsonl");
        Files.writeString(file, text);
        return file;
    }

    List<QuestionResult> results(String dir) throws Exception {
        return ResultsFile.read(Files.newBufferedReader(workDir.resolve(dir).resolve("results.jsonl")), dir);
    }

    @Test
    void scoresEveryQuestionAndEndsWithTheSummaryLine() throws Exception {
        Result r = ragd("eval", "--questions", questions(SET).toString(), "--out", "run");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).matches("eval recall_at_3=1\\.000 citation_precision=\\d\\.\\d{3} fact_match=1\\.000"
                + " groundedness=n/a n=3");
        assertThat(r.out()).contains("refusal_accuracy").contains("(no judge: RAGD_EVAL_JUDGE)");
        List<QuestionResult> results = results("run");
        assertThat(results).extracting(QuestionResult::id).containsExactly("price", "ship", "refuse");
        assertThat(results.get(0).answer()).contains("49.00");
        assertThat(results.get(0).sourceDocs()).first().isEqualTo("K-101");
        assertThat(results.get(2).refused()).isTrue();
        assertThat(results.get(2).metrics()).containsEntry(Metrics.REFUSAL_ACCURACY, 1.0);
        assertThat(Files.readString(workDir.resolve("run/report.html"))).contains("How much does the Aurora Kettle cost?");
    }

    @Test
    void aFollowUpIsAskedWithItsHistory() throws Exception {
        String followUp = """
                {"id":"f","kind":"follow-up","history":[{"role":"user","content":"What is the warranty of the Cinder Kettle?"},{"role":"assistant","content":"5 years."}],"question":"And what colour is it?","expected_docs":["K-103"]}
                """;
        Result r = ragd("eval", "--questions", questions(followUp).toString(), "--out", "f");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(results("f").get(0).sourceDocs()).as("the search used the history's product").contains("K-103");
    }

    @Test
    void aGateThatIsNotMetExitsOneNamingTheMetric() throws Exception {
        Result r = ragd("eval", "--questions", questions(SET).toString(), "--out", "g",
                "--fail-under", "fact_match=1.0", "--fail-under", "recall_at_1=1.01", "--fail-over", "errors=0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("FAILED recall_at_1=1.000 is under 1.01").doesNotContain("FAILED fact_match")
                .doesNotContain("FAILED errors");
        assertThat(r.lastLine()).startsWith("eval recall_at_3=");
    }

    @Test
    void comparedWithABaselineItListsTheQuestionsThatGotWorse() throws Exception {
        Result first = ragd("eval", "--questions", questions(SET).toString(), "--out", "base");
        assertThat(first.exit()).as(first.err()).isZero();
        Path baseline = workDir.resolve("base/results.jsonl");
        // the same questions, one now expecting a fact its answer lacks: its fact_match falls from 1 to 0.5
        String harder = SET.replace("[\"49.00\"]", "[\"49.00\",\"never said\"]");
        Result r = ragd("eval", "--questions", questions(harder).toString(), "--out", "now", "--compare",
                baseline.toString(), "--max-worse", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("compared with " + baseline).contains("1 question(s) got worse:")
                .contains("price  fact_match 1.000->0.500");
        assertThat(r.err()).contains("FAILED 1 questions got worse");
        assertThat(Files.readString(workDir.resolve("now/report.html"))).contains("Worse than the baseline (1)");
        Result same = ragd("eval", "--questions", questions(SET).toString(), "--out", "again", "--compare",
                baseline.toString(), "--max-worse", "0");
        assertThat(same.exit()).as(same.out()).isZero();
        assertThat(same.out()).contains("0 question(s) got worse");
    }

    @Test
    void concurrencyAboveThePipelinesCapIsLoweredToItSoNoQuestionIsRefusedAsBusy() throws Exception {
        Result r = ragd(Map.of("RAGD_MAX_CONCURRENT_GENERATIONS", "1"), "eval", "--questions", questions(SET).toString(),
                "--out", "cap", "--concurrency", "8", "--fail-over", "errors=0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("--concurrency 8 lowered to RAGD_MAX_CONCURRENT_GENERATIONS=1");
    }

    @Test
    void badOptionsAndInputsExitTwoNamingTheProblem() throws Exception {
        Path set = questions(SET);
        assertThat(ragd("eval", "--fail-under", "recal_at_3=0.9").err()).contains("unknown metric 'recal_at_3'");
        assertThat(ragd("eval", "--fail-under", "latency_p95_ms=9").exit()).isEqualTo(2);
        assertThat(ragd("eval", "--concurrency", "0").err()).contains("--concurrency 0 must be from 1 to 64");
        assertThat(ragd("eval", "--limit", "0").err()).contains("--limit 0 must be at least 1");
        assertThat(ragd("eval", "--timeout-ms", "0").exit()).isEqualTo(2);
        assertThat(ragd("eval", "--questions", "missing.jsonl").err()).contains("--questions missing.jsonl: no such readable file");
        assertThat(ragd("eval", "--questions", set.toString(), "--compare", set.toString()).err())
                .contains("not an eval result");
        assertThat(ragd("eval", "--max-worse", "1").err()).contains("--max-worse needs --compare");
        Files.writeString(workDir.resolve("a-file"), "x");
        assertThat(ragd("eval", "--out", "a-file").err()).contains("--out a-file is a file, not a directory");
        Files.writeString(set, "{\"question\":\"q?\"}\n{\"questoin\":\"q?\"}\n");
        Result bad = ragd("eval", "--questions", set.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("line 2: unknown key 'questoin'");
        assertThat(workDir.resolve("eval-report")).as("nothing written for refused input").doesNotExist();
    }

    @Test
    void aBadJudgeSettingFailsStartupNamingTheVariable() throws Exception {
        Result r = ragd(Map.of("RAGD_EVAL_JUDGE", "azure-openai"), "eval", "--questions", questions(SET).toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("RAGD_EVAL_JUDGE_ENDPOINT is required");
    }

    @Test
    void aModelThroughTheMockIsJudgedAndItsKeysAreNeverPrinted() throws Exception {
        try (MockModel model = MockModel.start()) {
            MockLlmServer mock = model.server();
            String url = "http://127.0.0.1:" + mock.port() + "/v1";
            Result r = ragd(Map.of("RAGD_LLM", "openai", "OPENAI_BASE_URL", url, "OPENAI_API_KEY", "sk-model-secret-1",
                    "RAGD_EVAL_JUDGE", "openai", "RAGD_EVAL_JUDGE_BASE_URL", url,
                    "RAGD_EVAL_JUDGE_API_KEY", "sk-judge-secret-2"), "eval", "--questions", questions(SET).toString(),
                    "--out", "mock", "--fail-under", "groundedness=1");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.lastLine()).matches(".* groundedness=[1-5]\\.\\d{3} n=3");
            assertThat(r.out()).contains("(1-5, openai:gpt-4o-mini)");
            QuestionResult price = results("mock").get(0);
            assertThat(price.metrics()).containsKeys(Metrics.GROUNDEDNESS, Metrics.RELEVANCE);
            assertThat(price.reasons().get(Metrics.GROUNDEDNESS)).startsWith("mock judge (groundedness)");
            assertThat(price.promptTokens()).isPositive();
            assertThat(r.out() + r.err() + Files.readString(workDir.resolve("mock/report.html")))
                    .doesNotContain("sk-model-secret-1").doesNotContain("sk-judge-secret-2");
            assertThat(r.err()).as("the judge's settings are logged once, the key masked")
                    .contains("RAGD_EVAL_JUDGE=openai").contains("RAGD_EVAL_JUDGE_API_KEY=****");
        }
    }

    @Test
    void generateWritesAStarterSetThatEvalReads() throws Exception {
        Result r = ragd("eval", "generate", "--limit", "30");
        assertThat(r.exit()).as(r.err()).isZero();
        var set = EvalQuestions.read(new BufferedReader(new StringReader(r.out())), "generated");
        assertThat(set).hasSize(30);
        assertThat(set).anySatisfy(q -> assertThat(q.question()).matches("How much does the .+ cost\\?"));
        assertThat(set).allSatisfy(q -> {
            assertThat(q.expectedDocs()).hasSize(1);
            assertThat(q.expectedFacts()).hasSize(1);
        });
        Path file = workDir.resolve("gen.jsonl");
        Files.writeString(file, r.out());
        Result run = ragd("eval", "--questions", file.toString(), "--out", "gen", "--fail-under", "recall_at_3=0.8");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(ragd("eval", "generate", "--per-document", "0").exit()).isEqualTo(2);
    }
}

package dev.ragd.cli;

import dev.ragd.App;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.eval.Comparison;
import dev.ragd.eval.EvalQuestion;
import dev.ragd.eval.EvalQuestions;
import dev.ragd.eval.EvalTarget;
import dev.ragd.eval.Evaluation;
import dev.ragd.eval.Gate;
import dev.ragd.eval.HtmlReport;
import dev.ragd.eval.Judge;
import dev.ragd.eval.JudgeConfig;
import dev.ragd.eval.ModelJudge;
import dev.ragd.eval.QuestionResult;
import dev.ragd.eval.Refusals;
import dev.ragd.eval.ResultsFile;
import dev.ragd.eval.Scorer;
import dev.ragd.eval.Summary;
import dev.ragd.eval.TextReport;
import dev.ragd.eval.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ragd eval}: answer quality of the configured pipeline on a question set, gateable in CI. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Runs a question set through the configured pipeline (retriever, rewriter, answerer) and scores",
                "retrieval (recall@k, MRR), citations (precision, recall), facts, refusals, latency and tokens,",
                "and, with RAGD_EVAL_JUDGE set, LLM-judged groundedness and relevance (1-5).",
                "Writes results.jsonl and report.html to --out; the last stdout line is",
                "`eval recall_at_3=... citation_precision=... fact_match=... groundedness=... n=...`.",
                "Exit codes: 0 ok, 1 a gate failed (--fail-under, --fail-over, --max-worse, or every question failed),",
                "2 bad options or input."})
final class EvalCommand implements Callable<Integer> {

    static final String SAMPLE_SET = "/eval/sample-questions.jsonl";

    private final CliContext ctx;

    @Option(names = "--questions", paramLabel = "FILE",
            description = "Question set (JSON Lines; default: the bundled set for the sample corpus).")
    private Path questions;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-report",
            description = "Where results.jsonl and report.html go (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--compare", paramLabel = "BASELINE",
            description = "A results.jsonl of an earlier run: per-metric deltas and the questions that got worse.")
    private Path compare;

    @Option(names = "--fail-under", paramLabel = "METRIC=VALUE",
            description = "Exit 1 when a score is below VALUE, e.g. recall_at_3=0.9 (repeatable).")
    private List<String> failUnder = new ArrayList<>();

    @Option(names = "--fail-over", paramLabel = "METRIC=VALUE",
            description = "Exit 1 when a cost is above VALUE, e.g. latency_p95_ms=3000 or errors=0 (repeatable).")
    private List<String> failOver = new ArrayList<>();

    @Option(names = "--max-worse", paramLabel = "N",
            description = "With --compare: exit 1 when more than N questions got worse than the baseline.")
    private Integer maxWorse;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Questions in flight at once, 1 to 64 (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "120000",
            description = "How long one question may take before it counts as failed (default: ${DEFAULT-VALUE}).")
    private long timeoutMs;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N questions.")
    private Integer limit;

    /** Opens what answers the questions; tests replace the configured pipeline. */
    private final Function<RagdConfig, EvalTarget> targets;

    EvalCommand(CliContext ctx) {
        this(ctx, App::evalTarget);
    }

    EvalCommand(CliContext ctx, Function<RagdConfig, EvalTarget> targets) {
        this.ctx = ctx;
        this.targets = targets;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Gate> gates = new ArrayList<>();
        List<EvalQuestion> set;
        List<QuestionResult> baseline = null;
        try {
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("--concurrency " + concurrency + " must be from 1 to 64");
            }
            if (timeoutMs < 1) {
                throw new IllegalArgumentException("--timeout-ms " + timeoutMs + " must be positive");
            }
            if (limit != null && limit < 1) {
                throw new IllegalArgumentException("--limit " + limit + " must be at least 1");
            }
            if (maxWorse != null && (compare == null || maxWorse < 0)) {
                throw new IllegalArgumentException(compare == null ? "--max-worse needs --compare BASELINE"
                        : "--max-worse " + maxWorse + " must be 0 or more");
            }
            if (Files.exists(ctx.workDir().resolve(out)) && !Files.isDirectory(ctx.workDir().resolve(out))) {
                throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
            }
            failUnder.forEach(g -> gates.add(Gate.parse(g, true)));
            failOver.forEach(g -> gates.add(Gate.parse(g, false)));
            set = readQuestions();
            if (compare != null) {
                try (BufferedReader in = reader(compare, "--compare")) {
                    baseline = ResultsFile.read(in, compare.toString());
                }
            }
        } catch (IllegalArgumentException e) {
            ctx.err().println("ragd eval: " + e.getMessage());
            return 2;
        }
        if (limit != null && limit < set.size()) {
            set = set.subList(0, limit);
        }
        Env env = ctx.env();
        RagdConfig config = RagdConfig.from(env);
        JudgeConfig judgeConfig = JudgeConfig.from(env);
        int cap = config.llm().maxConcurrentGenerations();
        if (concurrency > cap) {
            // more would only be refused as busy by the pipeline's own cap
            ctx.err().println("ragd eval: --concurrency " + concurrency + " lowered to RAGD_MAX_CONCURRENT_GENERATIONS="
                    + cap);
            concurrency = cap;
        }
        Path outDir = ctx.workDir().resolve(out);
        Judge judge = ModelJudge.create(judgeConfig);
        ctx.err().println("ragd eval: " + set.size() + " questions, concurrency " + concurrency + ", judge "
                + String.join(" ", judgeConfig.describe().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toList()));
        List<QuestionResult> results;
        Progress progress = new Progress(set.size());
        EvalTarget target = targets.apply(config);
        try {
            results = new Evaluation(target, new Scorer(Refusals.standard()), judge, concurrency,
                    Duration.ofMillis(timeoutMs)).run(set, progress::update);
        } finally {
            progress.done();
            try {
                target.close();
            } catch (RuntimeException e) {
                // the results are in hand; a pipeline slow to close must not lose them
                ctx.err().println("ragd eval: warning: " + e.getMessage());
            }
        }
        Summary summary = Summary.of(results);
        Comparison comparison = baseline == null ? null : Comparison.of(baseline, results);
        String source = questions == null ? "bundled sample set" : questions.toString();
        List<String> about = List.of("question set: " + source + " (" + set.size() + " questions)",
                "answerer: " + config.llm().provider() + (config.llm().languageModel() ? " " + config.llm().model() : ""),
                "retriever: " + (config.search().azure() ? "azure-ai-search" : "lucene " + config.search().mode()),
                "judge: " + judgeConfig.name(), "finished: " + Instant.now());
        List<String> failures = new ArrayList<>(Verdict.failures(results, summary, comparison, maxWorse, gates));
        try {
            Files.createDirectories(outDir);
            try (Writer w = Files.newBufferedWriter(outDir.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
                ResultsFile.write(results, w);
            }
            Files.writeString(outDir.resolve("report.html"), HtmlReport.render(results, summary, comparison, about),
                    StandardCharsets.UTF_8);
            ctx.err().println("ragd eval: wrote " + outDir.resolve("results.jsonl") + " and " + outDir.resolve("report.html"));
        } catch (IOException e) {
            failures.add(0, "could not write the reports to " + outDir + ": " + e);
        }
        StringWriter table = new StringWriter();
        PrintWriter tw = new PrintWriter(table);
        TextReport.summary(summary, judge == null ? null : judge.name(), tw);
        if (comparison != null) {
            TextReport.comparison(comparison, compare.toString(), tw);
        }
        tw.flush();
        ctx.out().print(table);
        List<QuestionResult> errors = results.stream().filter(r -> r.error() != null).toList();
        if (!errors.isEmpty()) {
            ctx.err().println("ragd eval: " + errors.size() + " of " + results.size() + " questions failed and score as"
                    + " wrong answers (first: " + TextReport.printable(errors.get(0).id() + ": " + errors.get(0).error())
                    + ")");
        }
        failures.forEach(f -> ctx.err().println("ragd eval: FAILED " + f));
        ctx.out().println(summary.lastLine());
        ctx.out().flush();
        ctx.err().flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private List<EvalQuestion> readQuestions() throws IOException {
        if (questions == null) {
            InputStream in = EvalCommand.class.getResourceAsStream(SAMPLE_SET);
            if (in == null) {
                throw new IllegalStateException("missing resource " + SAMPLE_SET);
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return EvalQuestions.read(r, "sample-questions.jsonl");
            }
        }
        try (BufferedReader r = reader(questions, "--questions")) {
            return EvalQuestions.read(r, questions.toString());
        }
    }

    private BufferedReader reader(Path file, String option) throws IOException {
        Path p = ctx.workDir().resolve(file);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(option + " " + file + ": no such readable file");
        }
        return Files.newBufferedReader(p, StandardCharsets.UTF_8);
    }

    /** A one-line progress bar on stderr, drawn only on a terminal. */
    private final class Progress {
        private final int total;
        private final boolean enabled = System.console() != null;
        private final long start = System.nanoTime();

        Progress(int total) {
            this.total = total;
        }

        synchronized void update(int done) {
            if (!enabled) {
                return;
            }
            int width = 30;
            int filled = done * width / Math.max(1, total);
            double secs = (System.nanoTime() - start) / 1e9;
            ctx.err().print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total
                    + String.format(java.util.Locale.ROOT, " questions, %.1f/s", done / Math.max(secs, 1e-3)));
            ctx.err().flush();
        }

        void done() {
            if (enabled) {
                ctx.err().println();
                ctx.err().flush();
            }
        }
    }
}

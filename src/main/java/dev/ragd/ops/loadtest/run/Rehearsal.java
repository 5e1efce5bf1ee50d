package dev.ragd.ops.loadtest.run;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.ops.loadtest.LoadTestReport;
import dev.ragd.ops.loadtest.ReportHtml;
import dev.ragd.ops.loadtest.StepResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code ragd loadtest}: starts what it tests ({@link Cluster}) unless given a target, runs
 * the step ramp with Locust against ragd ({@link StepRun}), with several replicas an extra step in
 * which one is SIGKILLed and restarted ({@link KillDrill}), stops the replicas and audits the chat
 * log against the answers users received ({@link Audit}), runs the same ramp against the model
 * directly, and writes the report folder ({@link LoadTestReport}). Every child process is stopped
 * when it returns or fails.
 */
public final class Rehearsal {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    /** What a run produced: the report's analysis, the audit (none with a target) and the steps. */
    public record Outcome(LoadTestReport report, Optional<Audit> audit, List<StepResult> steps,
            List<StepResult> direct, List<String> lines) {}

    private final Plan plan;
    private final PrintWriter progress;

    private Rehearsal(Plan plan, PrintWriter progress) {
        this.plan = plan;
        this.progress = progress;
    }

    /** Runs {@code plan}, progress lines to {@code progress}; the report lands in {@code plan.out()}. */
    public static Outcome run(Plan plan, PrintWriter progress) throws IOException, InterruptedException {
        return new Rehearsal(plan, progress).go();
    }

    private void say(String line) {
        progress.println("ragd loadtest: " + line);
        progress.flush();
    }

    private Outcome go() throws IOException, InterruptedException {
        Path out = Files.createDirectories(plan.out());
        Path work = Files.createDirectories(out.resolve("work"));
        Path ends = Files.createDirectories(work.resolve("ends"));
        Locust.check(PYTHON);
        Http http = new Http();
        JavaChild java = JavaChild.current(List.of("-Xmx" + plan.heap()));
        Cluster cluster = null;
        try (Children children = new Children(out.resolve("logs"))) {
            Path bundled = Bundled.extract(work.resolve("files"));
            Locust ragdLoad = new Locust(PYTHON, bundled.resolve(Bundled.LOCUSTFILE), plan.mode(), plan.thinkTime(),
                    plan.timeoutS());
            StepRun steps = new StepRun(plan, children, http, Files.createDirectories(out.resolve("locust")), this::say);
            Map<String, List<String>> sections = new LinkedHashMap<>();
            String host;
            List<Sampler.Watched> watched = new ArrayList<>();
            if (plan.target().isPresent()) {
                URI t = plan.target().get();
                host = t.toString();
                String http1 = t.getScheme().startsWith("ws") ? t.toString().replaceFirst("^ws", "http") : t.toString();
                watched.add(new Sampler.Watched(http1.replaceAll("/+$", "") + "/metrics", () -> -1));
            } else {
                cluster = new Cluster(plan, children, java, http, work);
                cluster.start(bundled, this::say);
                steps.watchModel(cluster.upstream()::pid);
                host = cluster.host();
                for (Replica r : cluster.replicas()) {
                    watched.add(new Sampler.Watched(r.base() + "/metrics", r::pid));
                }
            }
            List<StepResult> ragd = new ArrayList<>();
            for (int users : plan.users()) {
                ragd.add(steps.run("ragd-" + users, ragdLoad, host, users, plan.stepSeconds(), watched, ends, null).result());
            }
            KillDrill drill = null;
            StepRun.Measured killStep = null;
            if (cluster != null && plan.killStep()) {
                drill = new KillDrill(cluster.replicas().get(1), children, java, http, plan.killSeconds());
                int users = KillDrill.users(ragd, plan.goal());
                killStep = steps.run("ragd-kill-" + users, ragdLoad, host, users, plan.killSeconds(), watched, ends,
                        drill::run);
            }
            Optional<Audit> audit = Optional.empty();
            Map<String, Long> serverFirstTokenMs = Map.of();
            List<Ends.Answer> received = Ends.read(ends);
            if (cluster != null) {
                say("stopping the replicas (they flush their chat-log queues) and auditing the chat log");
                cluster.stopReplicas();
                Map<String, Long> firsts = new HashMap<>();
                audit = Optional.of(audit(cluster, received, firsts, work));
                serverFirstTokenMs = firsts;
                if (drill != null) {
                    sections.put("Replica killed during the run", drill.describe(killStep, ragd, received));
                }
                sections.put("Chat-log audit", List.of(audit.get().describe()));
            }
            List<StepResult> direct = new ArrayList<>();
            steps.watchModel(null);
            Path modelEnds = Files.createDirectories(work.resolve("model-ends"));
            if (cluster != null && plan.direct()) {
                Locust modelLoad = new Locust(PYTHON, bundled.resolve(Bundled.LOCUSTFILE), "openai", plan.thinkTime(),
                        plan.timeoutS());
                List<Sampler.Watched> mock = List.of(new Sampler.Watched(null, cluster.upstream()::pid));
                for (int users : plan.users()) {
                    direct.add(steps.run("model-" + users, modelLoad, cluster.upstream().baseUrl(), users, plan.stepSeconds(),
                            mock, modelEnds, null).result());
                }
            }
            if (cluster != null) {
                sections.put("Time to first token, users vs ragd's records",
                        FirstTokenSplit.lines(received, serverFirstTokenMs, Ends.read(modelEnds)));
            }
            plan.baseline().ifPresent(b -> sections.put("Compared with " + b.label(), b.compare(ragd, plan.goal())));
            sections.put("Load generator", steps.loadGeneratorLines());
            int cores = Runtime.getRuntime().availableProcessors();
            ReportHtml.Run run = new ReportHtml.Run("ragd load test: " + (plan.target().isPresent() ? host
                    : plan.replicas() + " replica(s), profile " + plan.profile()), settings(host, cores, cluster), sections);
            LoadTestReport report = LoadTestReport.write(out, run, ragd, direct, plan.baseline(), plan.goal(), cores,
                    plan.replicas());
            List<String> lines = new ArrayList<>();
            sections.forEach((heading, l) -> l.forEach(x -> lines.add(heading + ": " + x)));
            lines.add("report: " + out.resolve("report.html"));
            lines.addAll(report.lines());
            return new Outcome(report, audit, ragd, direct, lines);
        } finally {
            if (cluster != null) {
                cluster.cleanUp();
            }
        }
    }

    /** The audit of {@code received} against the chat log; fills {@code firstTokenMs} from its records. */
    private Audit audit(Cluster cluster, List<Ends.Answer> received, Map<String, Long> firstTokenMs, Path work)
            throws IOException {
        try (ChatLog log = ChatLogs.open(RagdConfig.from(Env.load(cluster.replicaEnv(), work)))) {
            return Audit.of(received.stream().map(Ends.Answer::logId).toList(), log,
                    r -> firstTokenMs.put(r.id(), r.firstTokenMs()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read the chat log for the audit: " + e.getMessage(), e);
        }
    }

    private Map<String, String> settings(String host, int cores, Cluster cluster) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("target", host + (cluster != null && cluster.proxied() ? " (nginx, deploy/nginx/ragd.conf)" : ""));
        if (cluster != null) {
            s.put("model", "ragd mock-llm --profile " + plan.profile());
            s.put("replicas", plan.replicas() + (cluster.shared() ? ", each with its own copy of the index, one shared PostgreSQL chat log" : ""));
        }
        s.put("steps", plan.users() + " users, " + plan.stepSeconds() + " s measured each (after all users started)");
        s.put("users", plan.mode() + " protocol, think time " + plan.thinkTime() + " s, question timeout "
                + String.format(Locale.ROOT, "%.0f", plan.timeoutS()) + " s");
        s.put("target to meet", plan.goal().toString());
        s.put("machine", cores + " cores, shared by the load generator, the model mock and every replica");
        if (!plan.ragdEnv().isEmpty()) {
            s.put("ragd settings", plan.ragdEnv().toString());
        }
        s.put("started", java.time.Instant.now().toString());
        return s;
    }
}

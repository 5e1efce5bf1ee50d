package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code .github/workflows/ci.yml} does what the README promises: every push and pull request runs
 * the README's test command, the image build and its smoke test; only main, and only after all of
 * them passed, pushes the tested image and deploys it; Azure is reached with OIDC and no stored
 * secret. {@code .github/check.sh} lints the file's syntax and schema; this checks its meaning.
 */
class WorkflowFileTest {

    static final Path FILE = Path.of(".github/workflows/ci.yml");
    static Map<String, Object> workflow;
    static Map<String, Map<String, Object>> jobs;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        workflow = new Yaml().load(Files.readString(FILE));
        jobs = (Map<String, Map<String, Object>>) workflow.get("jobs");
    }

    @Test
    void everyPushAndPullRequestRunsTheReadmesTestCommandTheImageBuildAndItsSmokeTest() throws Exception {
        // SnakeYAML reads the key "on" as YAML 1.1's boolean true
        Object on = workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE);
        assertThat(((Map<?, ?>) on).keySet().stream().map(String::valueOf).toList()).as("triggers").contains("push", "pull_request");
        assertThat(Files.readString(Path.of("README.md"))).as("the README's test command").contains("bin/test");
        assertThat(runs("test")).as("the test job").anyMatch(r -> r.strip().equals("bin/test"));
        assertThat(runs("image")).as("the image job").anyMatch(r -> r.contains("scripts/container-smoke.sh"));
        assertThat(runs("deploy-files")).as("the deploy files' checks")
                .anyMatch(r -> r.contains(".github/check.sh")).anyMatch(r -> r.contains("deploy/k8s/check.sh"))
                .anyMatch(r -> r.contains("az bicep build --file deploy/azure/main.bicep"))
                .anyMatch(r -> r.contains("deploy/observability/check.sh"));
        for (String job : List.of("deploy-files", "test", "image")) {
            assertThat(jobs.get(job)).as(job + " runs on every event").doesNotContainKey("if");
        }
    }

    @Test
    void onlyMainPublishesAndOnlyAfterEveryCheckPassed() {
        Map<String, Object> publish = jobs.get("publish");
        assertThat((String) publish.get("if")).contains("github.ref == 'refs/heads/main'")
                .contains("github.event_name == 'push'");
        assertThat(needs("publish")).containsExactlyInAnyOrder("deploy-files", "test", "image");
        List<String> deploys = jobs.keySet().stream().filter(j -> j.startsWith("deploy-") && !j.equals("deploy-files")).toList();
        assertThat(deploys).containsExactlyInAnyOrder("deploy-webapp", "deploy-containerapps", "deploy-kubernetes");
        for (String job : deploys) {
            assertThat(needs(job)).as(job + " needs").containsExactly("publish");
            assertThat(jobs.get(job).get("environment")).as(job + " environment").isEqualTo("production");
            assertThat(String.join("\n", runs(job))).as(job + " checks what it deployed")
                    .containsAnyOf("scripts/deploy-check.sh", "kubectl rollout status");
        }
        assertThat(jobs.get("deploy-webapp").get("if")).as("the Web App is the default target")
                .isEqualTo("vars.DEPLOY_WEBAPP != 'false'");
        // the tested archive is what gets pushed, not a rebuild
        assertThat(String.join("\n", runs("publish"))).contains("docker load").doesNotContain("docker build")
                .doesNotContain("az acr build");
    }

    @Test
    void azureIsReachedWithOidcAndNoStoredSecret() throws Exception {
        String text = String.join("\n", Files.readAllLines(FILE).stream().filter(l -> !l.strip().startsWith("#")).toList());
        assertThat(text).as("no stored secret or password (outside comments)").doesNotContain("secrets.").doesNotContain("creds:")
                .doesNotContainIgnoringCase("password");
        for (Map.Entry<String, Map<String, Object>> job : jobs.entrySet()) {
            boolean logsIn = steps(job.getKey()).stream().anyMatch(s -> String.valueOf(s.get("uses")).startsWith("azure/login@"));
            Object permissions = job.getValue().get("permissions");
            String idToken = permissions instanceof Map<?, ?> p ? String.valueOf(p.get("id-token")) : "none";
            assertThat(idToken).as(job.getKey() + ": id-token: write exactly where azure/login runs")
                    .isEqualTo(logsIn ? "write" : "none");
        }
        assertThat(workflow.get("permissions")).as("the default token").isEqualTo(Map.of("contents", "read"));
    }

    @Test
    void everyActionIsPinnedToACommitAndEveryScriptItRunsIsInTheRepository() throws Exception {
        int actions = 0;
        for (String job : jobs.keySet()) {
            for (Map<String, Object> step : steps(job)) {
                if (step.get("uses") instanceof String uses) {
                    assertThat(uses).as(job + " uses").matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}");
                    actions++;
                }
            }
        }
        assertThat(actions).isGreaterThanOrEqualTo(10);
        Matcher m = Pattern.compile("(?:^|[\\s\"])((?:bin|scripts|deploy|\\.github)/[\\w./-]+\\.sh|bin/test)")
                .matcher(String.join("\n", jobs.keySet().stream().flatMap(j -> runs(j).stream()).toList()));
        int scripts = 0;
        while (m.find()) {
            assertThat(Path.of(m.group(1))).as("a script the workflow runs").isRegularFile().isExecutable();
            scripts++;
        }
        assertThat(scripts).as("scripts found").isGreaterThanOrEqualTo(6);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(String job) {
        assertThat(jobs).as("jobs").containsKey(job);
        return (List<Map<String, Object>>) jobs.get(job).get("steps");
    }

    private static List<String> runs(String job) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> step : steps(job)) {
            if (step.get("run") instanceof String run) {
                out.addAll(List.of(run.split("\n")));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> needs(String job) {
        Object needs = jobs.get(job).get("needs");
        return needs instanceof String one ? List.of(one) : (List<String>) needs;
    }
}

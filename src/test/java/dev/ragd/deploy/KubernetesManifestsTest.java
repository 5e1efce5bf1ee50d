package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ragd.config.DurabilityConfig;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/k8s/*.yaml} stay in step with ragd: the settings they give are ones ragd reads and
 * accepts, secrets only in the Secret, the probes on ragd's health endpoints and port, a grace
 * period longer than ragd's drain, autoscaling on a series ragd serves, the image's read-only
 * root with /tmp writable, and a kustomization that lists every manifest. {@code check.sh} beside
 * them checks the schema; this checks what the schema cannot know.
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deploy/k8s");
    /** Kept out of kustomization.yaml on purpose (README: the Secret is made by hand, the CPU HPA is swapped in). */
    static final Set<String> OPTIONAL = Set.of("secret.example.yaml", "hpa-cpu.yaml");

    @Test
    void everySettingTheManifestsGiveIsOneRagdReads() throws Exception {
        Set<String> reads = new TreeSet<>(RagdConfig.defaults().describe().keySet());
        Matcher otel = Pattern.compile("(?m)^# (OTEL_[A-Z0-9_]+)=").matcher(Files.readString(Path.of(".env.example")));
        while (otel.find()) {
            reads.add(otel.group(1));
        }
        Set<String> given = new TreeSet<>(configMap().keySet());
        given.addAll(secret().keySet());
        for (Map<String, Object> e : list(container().get("env"))) {
            given.add((String) e.get("name"));
        }
        assertThat(given).as("settings found").hasSizeGreaterThanOrEqualTo(10);
        assertThat(reads).as("names ragd reads (RagdConfig.describe(), OTEL_* of .env.example)").containsAll(given);
    }

    @Test
    void secretsAreOnlyInTheSecretAndTheExampleHoldsNoValue() throws Exception {
        assertThat(configMap().keySet()).as("secrets in the ConfigMap").doesNotContainAnyElementsOf(RagdConfig.SECRETS);
        Map<String, String> secret = secret();
        assertThat(RagdConfig.SECRETS).as("the Secret example holds only secrets").containsAll(secret.keySet());
        assertThat(secret).as("keys of the Secret example").containsKeys("OPENAI_API_KEY", "RAGD_PG_PASSWORD");
        assertThat(secret.values()).as("values in the committed Secret example").allMatch(String::isEmpty);
        List<String> sources = new ArrayList<>();
        for (Map<String, Object> s : list(container().get("envFrom"))) {
            Map<String, Object> ref = map(s.containsKey("secretRef") ? s.get("secretRef") : s.get("configMapRef"));
            sources.add(ref.get("name") + (s.containsKey("secretRef") ? " (secret)" : ""));
        }
        assertThat(sources).as("envFrom").containsExactly(name(doc("configmap.yaml")), name(doc("secret.example.yaml")) + " (secret)");
    }

    @Test
    void theConfigMapIsASettingRagdAccepts() throws Exception {
        assertThatCode(() -> RagdConfig.from(podEnv())).as("RagdConfig.from(ConfigMap + Secret)").doesNotThrowAnyException();
    }

    @Test
    void theProbesAskRagdsHealthEndpointsOnItsPort() throws Exception {
        Map<String, Object> c = container();
        int port = exposedPort();
        assertThat(probe(c, "startupProbe")).isEqualTo("/healthz:" + port);
        assertThat(probe(c, "livenessProbe")).isEqualTo("/healthz:" + port);
        assertThat(probe(c, "readinessProbe")).isEqualTo("/readyz:" + port);
        Map<String, Object> pod = map(map(doc("deployment.yaml").get("spec")).get("template"));
        assertThat(map(map(pod.get("metadata")).get("annotations"))).as("scrape annotations")
                .containsEntry("prometheus.io/port", Integer.toString(port)).containsEntry("prometheus.io/path", "/metrics");
        Map<String, Object> svcPort = list(map(doc("service.yaml").get("spec")).get("ports")).getFirst();
        assertThat(containerPort(c, svcPort.get("targetPort"))).as("the Service's targetPort").isEqualTo(port);
    }

    @Test
    void theGracePeriodOutlastsRagdsDrain() throws Exception {
        // The drain as the ConfigMap sets it, else DurabilityConfig's defaults.
        DurabilityConfig d = DurabilityConfig.from(podEnv());
        Map<String, Object> spec = podSpec();
        // The preStop sleep counts against the grace period too (none on clusters before 1.30, README).
        Map<String, Object> sleep = optional(optional(optional(container(), "lifecycle"), "preStop"), "sleep");
        int preStop = (Integer) sleep.getOrDefault("seconds", 0);
        long drainMs = preStop * 1000L + d.shutdownGrace().toMillis() + d.flushTimeout().toMillis();
        long defaultDrainMs = preStop * 1000L + DurabilityConfig.DEFAULT_SHUTDOWN_GRACE_MS + DurabilityConfig.DEFAULT_FLUSH_MS;
        long graceMs = ((Integer) spec.get("terminationGracePeriodSeconds")) * 1000L;
        assertThat(graceMs).as("terminationGracePeriodSeconds vs preStop + RAGD_SHUTDOWN_GRACE_MS + RAGD_SHUTDOWN_FLUSH_MS")
                .isGreaterThan(Math.max(drainMs, defaultDrainMs));
    }

    @Test
    void autoscalingTargetsTheDeploymentOnASeriesRagdServes() throws Exception {
        Map<String, Object> so = doc("keda-scaledobject.yaml");
        Map<String, Object> spec = map(so.get("spec"));
        String deployment = name(doc("deployment.yaml"));
        assertThat(map(spec.get("scaleTargetRef"))).containsEntry("kind", "Deployment").containsEntry("name", deployment);
        assertThat((Integer) spec.get("minReplicaCount")).isGreaterThanOrEqualTo(3);
        Map<String, Object> trigger = list(spec.get("triggers")).getFirst();
        assertThat(trigger).containsEntry("type", "prometheus").containsEntry("metricType", "AverageValue");
        Map<String, Object> meta = map(trigger.get("metadata"));
        String query = (String) meta.get("query");

        Set<String> series = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("deploy/observability/metric-names.txt"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && !f[0].startsWith("#")) {
                series.add(f[0]);
            }
        }
        Matcher m = Pattern.compile("\\b((?:ragd|gen_ai|jvm|process|system)_[a-z0-9_]+)\\b").matcher(query);
        Set<String> named = new LinkedHashSet<>();
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).as("series in the query " + query).isNotEmpty();
        assertThat(series).as("metric-names.txt").containsAll(named);
        assertThat(query).as("the query's namespace is the kustomization's")
                .contains("namespace=\"" + doc("kustomization.yaml").get("namespace") + "\"");
        // Scale out before a replica reaches its cap, where /readyz turns 503 and it refuses.
        int cap = Integer.parseInt(RagdConfig.from(podEnv()).describe().get("RAGD_MAX_CONCURRENT_GENERATIONS"));
        assertThat(Double.parseDouble((String) meta.get("threshold"))).as("threshold per replica").isLessThan(cap);

        Map<String, Object> hpa = map(doc("hpa-cpu.yaml").get("spec"));
        assertThat(map(hpa.get("scaleTargetRef"))).containsEntry("kind", "Deployment").containsEntry("name", deployment);
        assertThat((Integer) hpa.get("minReplicas")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theRootFilesystemIsReadOnlyWithTmpWritableAsTheImageExpects() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Map<String, Object> sc = map(container().get("securityContext"));
        assertThat(sc).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("runAsNonRoot", true);
        assertThat(dockerfile).as("the image's user").contains("USER " + sc.get("runAsUser") + ":");
        assertThat(map(sc.get("capabilities"))).containsEntry("drop", List.of("ALL"));

        assertThat(dockerfile).as("the image's temp dir").contains("-Djava.io.tmpdir=/tmp");
        Map<String, Object> tmp = list(container().get("volumeMounts")).stream()
                .filter(v -> "/tmp".equals(v.get("mountPath"))).findFirst().orElseThrow(() -> new AssertionError("/tmp not mounted"));
        Map<String, Object> volume = list(podSpec().get("volumes")).stream().filter(v -> v.get("name").equals(tmp.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no volume " + tmp.get("name")));
        assertThat(volume).as("/tmp's volume").containsKey("emptyDir");
    }

    @Test
    void theIngressServesTheHostsRagdAllowsThroughTheService() throws Exception {
        Map<String, String> effective = RagdConfig.from(podEnv()).describe();
        Set<String> allowed = Set.of(effective.get("RAGD_ALLOWED_HOSTS").split(","));
        Map<String, Object> ingress = docs("ingress.yaml").getFirst();
        Map<String, Object> svc = doc("service.yaml");
        for (Map<String, Object> rule : list(map(ingress.get("spec")).get("rules"))) {
            assertThat(allowed).as("RAGD_ALLOWED_HOSTS (ragd answers 421 to other hosts)").contains((String) rule.get("host"));
            for (Map<String, Object> path : list(map(rule.get("http")).get("paths"))) {
                Map<String, Object> backend = map(map(path.get("backend")).get("service"));
                assertThat(backend.get("name")).isEqualTo(name(svc));
                assertThat(map(backend.get("port")).get("name")).isEqualTo(list(map(svc.get("spec")).get("ports")).getFirst().get("name"));
            }
        }
        // The proxy's timeouts must outlast ragd's idle timeout, so that ragd closes idle sockets itself.
        Map<String, Object> annotations = map(map(ingress.get("metadata")).get("annotations"));
        long idleMs = Long.parseLong(effective.get("RAGD_IDLE_TIMEOUT_MS"));
        for (String t : List.of("proxy-read-timeout", "proxy-send-timeout")) {
            assertThat(Long.parseLong((String) annotations.get("nginx.ingress.kubernetes.io/" + t)) * 1000).as(t).isGreaterThan(idleMs);
        }
        // Every connection comes from an ingress controller: the per-address cap is raised.
        int perIp = Integer.parseInt(effective.get("RAGD_MAX_CONNECTIONS_PER_IP"));
        assertThat(perIp).isGreaterThan(Integer.parseInt(RagdConfig.defaults().describe().get("RAGD_MAX_CONNECTIONS_PER_IP")));

        Map<String, Object> podLabels = map(map(map(map(doc("deployment.yaml").get("spec")).get("template")).get("metadata")).get("labels"));
        assertThat(podLabels).as("pods the Service selects").containsAllEntriesOf(map(map(svc.get("spec")).get("selector")));
        assertThat(podLabels).as("pods the PDB covers")
                .containsAllEntriesOf(map(map(map(doc("pdb.yaml").get("spec")).get("selector")).get("matchLabels")));
    }

    @Test
    void theKustomizationListsEveryManifestButTheOptionalOnes() throws Exception {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(DIR)) {
            s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml") || f.endsWith(".yml")).forEach(files::add);
        }
        files.remove("kustomization.yaml");
        assertThat(files).containsAll(OPTIONAL);
        files.removeAll(OPTIONAL);
        Map<String, Object> k = doc("kustomization.yaml");
        assertThat(k.get("resources")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .as("kustomization.yaml resources").containsExactlyInAnyOrderElementsOf(files);
        assertThat(list(k.get("images"))).extracting(i -> i.get("name")).as("images kustomize sets")
                .containsExactly(container().get("image"));
    }

    // --- reading the manifests ---

    static List<Map<String, Object>> docs(String file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : new Yaml(new LoaderOptions()).loadAll(Files.readString(DIR.resolve(file)))) {
            if (o != null) {
                out.add(map(o));
            }
        }
        return out;
    }

    static Map<String, Object> doc(String file) throws IOException {
        List<Map<String, Object>> all = docs(file);
        assertThat(all).as(file + " documents").hasSize(1);
        return all.getFirst();
    }

    static Map<String, String> stringMap(Object o) {
        Map<String, String> m = new HashMap<>();
        map(o).forEach((k, v) -> m.put(k, v == null ? "" : v.toString()));
        return m;
    }

    static Map<String, String> configMap() throws IOException {
        return stringMap(doc("configmap.yaml").get("data"));
    }

    static Map<String, String> secret() throws IOException {
        return stringMap(doc("secret.example.yaml").get("stringData"));
    }

    /** The environment a replica gets: the ConfigMap, then the Secret with its keys filled in. */
    static Env podEnv() throws IOException {
        Map<String, String> env = new HashMap<>(configMap());
        secret().keySet().forEach(k -> env.put(k, "placeholder-" + k.toLowerCase()));
        return new Env(env);
    }

    static Map<String, Object> podSpec() throws IOException {
        return map(map(map(doc("deployment.yaml").get("spec")).get("template")).get("spec"));
    }

    static Map<String, Object> container() throws IOException {
        return list(podSpec().get("containers")).stream().filter(c -> "ragd".equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container ragd"));
    }

    static int exposedPort() throws IOException {
        Matcher m = Pattern.compile("(?m)^EXPOSE (\\d+)").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(m.find()).as("EXPOSE in the Dockerfile").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A container port by number or by name. */
    static int containerPort(Map<String, Object> c, Object port) {
        if (port instanceof Integer n) {
            return n;
        }
        return list(c.get("ports")).stream().filter(p -> port.equals(p.get("name"))).map(p -> (Integer) p.get("containerPort"))
                .findFirst().orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    static String probe(Map<String, Object> c, String kind) {
        Map<String, Object> get = map(map(c.get(kind)).get("httpGet"));
        return get.get("path") + ":" + containerPort(c, get.get("port"));
    }

    static String name(Map<String, Object> doc) {
        return (String) map(doc.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).as("a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    static Map<String, Object> optional(Map<String, Object> m, String key) {
        return m.containsKey(key) ? map(m.get(key)) : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }
}

package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.ObservabilityConfig;
import dev.ragd.config.RagdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/azure/*.bicep} stays in step with ragd: the settings it gives are ones ragd reads,
 * secrets never come from literals, the Web App and the container app use ragd's port and health
 * endpoints, the Cosmos container is the one ragd expects, the modules and outputs the workflow
 * relies on exist.
 *
 * <p>This is not a Bicep compiler: it reads the files with regular expressions that fit the way
 * they are written here (one property per line, single-quoted strings). It cannot tell whether a
 * property or API version exists in Azure; {@code az bicep build} (run by the workflow) and a real
 * deployment do that.
 */
class AzureBicepTest {

    private static final Path DIR = Path.of("deploy/azure");
    private static final Pattern SETTING =
            Pattern.compile("name: '((?:RAGD|OPENAI|AZURE_OPENAI|COSMOSDB|OTEL)_[A-Z0-9_]+)'");

    private static String read(String file) throws IOException {
        return Files.readString(DIR.resolve(file));
    }

    private static Map<String, String> bicepFiles() throws IOException {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> s = Files.list(DIR)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".bicep")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    /** Names ragd reads: its effective configuration, .env.example, and the OTEL_* names its config code validates. */
    private static Set<String> namesRagdReads() throws IOException {
        Set<String> names = new HashSet<>(RagdConfig.defaults().describe().keySet());
        Matcher env = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]+)=").matcher(Files.readString(Path.of(".env.example")));
        while (env.find()) {
            names.add(env.group(1));
        }
        Matcher otel = Pattern.compile("\"(OTEL_[A-Z0-9_]+)\"").matcher(
                Files.readString(Path.of("src/main/java/dev/ragd/config/ObservabilityConfig.java")));
        while (otel.find()) {
            names.add(otel.group(1));
        }
        return names;
    }

    /** The literal value a setting is given ({@code name: 'X'} then {@code value: '...'}), or null. */
    private static String literalValue(String bicep, String name) {
        Matcher m = Pattern.compile("name: '" + Pattern.quote(name) + "'\\s*\\n\\s*value: '([^']*)'").matcher(bicep);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void everyRagdSettingIsOneRagdReads() throws Exception {
        Set<String> known = namesRagdReads();
        Set<String> found = new TreeSet<>();
        bicepFiles().forEach((file, text) -> {
            Matcher m = SETTING.matcher(text);
            while (m.find()) {
                assertThat(known).as(file + " sets " + m.group(1) + ", which ragd does not read").contains(m.group(1));
                found.add(m.group(1));
            }
        });
        assertThat(found).as("settings found").hasSizeGreaterThanOrEqualTo(15)
                .contains("RAGD_LLM", "AZURE_OPENAI_AUTH", "COSMOSDB_URI", "RAGD_PG_URL", "RAGD_PG_PASSWORD",
                        "RAGD_MAX_CONNECTIONS_PER_IP", "OTEL_EXPORTER_OTLP_ENDPOINT");
    }

    @Test
    void noSecretIsSetFromALiteralAndSecretParametersAreSecure() throws Exception {
        bicepFiles().forEach((file, text) -> {
            for (String secret : RagdConfig.SECRETS) {
                assertThat(literalValue(text, secret)).as(file + " gives the secret " + secret + " a literal value").isNull();
            }
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                Matcher p = Pattern.compile("^param (\\w+) string").matcher(lines.get(i));
                if (p.find() && p.group(1).matches("(?i).*(password|secret|apikey).*")) {
                    assertThat(i > 0 ? lines.get(i - 1) : "").as(file + ": param " + p.group(1) + " needs @secure()")
                            .contains("@secure()");
                }
                assertThat(lines.get(i)).as(file + ": no secret in an output")
                        .doesNotContainPattern("(?i)^output \\w*(password|secret|apikey|sharedkey|primarykey|accountkey)\\w* ");
            }
        });
        // keys are not needed at all: both Azure services are reached with the managed identity
        String main = read("main.bicep");
        assertThat(literalValue(main, "AZURE_OPENAI_AUTH")).isEqualTo("entra");
        assertThat(literalValue(main, "RAGD_COSMOS_AUTH")).isEqualTo("entra");
        assertThat(main).as("DefaultAzureCredential needs the user-assigned identity's client id")
                .containsPattern("name: 'AZURE_CLIENT_ID'\\s*\\n\\s*value: identity\\.outputs\\.clientId");
        assertThat(read("cosmos.bicep")).contains("disableLocalAuth: true", "00000000-0000-0000-0000-000000000002");
    }

    @Test
    void theWebAppServesRagdsPortWithWebSocketsAlwaysOnAndTheReadinessCheck() throws Exception {
        String web = read("appservice.bicep");
        assertThat(web).contains("webSocketsEnabled: true", "alwaysOn: true", "healthCheckPath: '/readyz'",
                "linuxFxVersion: 'sitecontainers'");
        // sidecar-enabled apps take the port from the main container (WEBSITES_PORT does not apply)
        Matcher main = Pattern.compile("isMain: true\\s*\\n\\s*targetPort: '(\\d+)'").matcher(web);
        assertThat(main.find()).as("a main sitecontainer with a targetPort").isTrue();
        assertThat(main.group(1)).isEqualTo(RagdConfig.defaults().describe().get("PORT"));
        assertThat(web).as("images pulled with the managed identity").contains("authType: 'UserAssigned'",
                "acrUseManagedIdentityCreds: true");
    }

    @Test
    void theContainerAppTargetsRagdsPortAndProbesItsHealthEndpoints() throws Exception {
        String aca = read("containerapps.bicep");
        String port = RagdConfig.defaults().describe().get("PORT");
        assertThat(aca).contains("targetPort: " + port);
        Map<String, String> probes = new HashMap<>();
        Matcher m = Pattern.compile("type: '(Startup|Liveness|Readiness)'\\s*\\n\\s*httpGet: \\{\\s*\\n\\s*path: '([^']+)'"
                + "\\s*\\n\\s*port: (\\d+)").matcher(aca);
        while (m.find()) {
            assertThat(m.group(3)).as(m.group(1) + " probe port").isEqualTo(port);
            probes.put(m.group(1), m.group(2));
        }
        assertThat(probes).containsEntry("Liveness", "/healthz").containsEntry("Readiness", "/readyz")
                .containsEntry("Startup", "/healthz");
        assertThat(aca).as("no scale to zero").containsPattern("@minValue\\(1\\)\\s*\\n\\s*param minReplicas int")
                .contains("transport: 'auto'", "concurrentRequests: concurrentRequests");
    }

    @Test
    void theCosmosContainerIsTheOneRagdExpects() throws Exception {
        Map<String, String> ragd = RagdConfig.defaults().describe();
        String cosmos = read("cosmos.bicep");
        assertThat(cosmos).contains("param databaseName string = '" + ragd.get("RAGD_COSMOS_DATABASE") + "'",
                "param containerName string = '" + ragd.get("RAGD_COSMOS_CONTAINER") + "'",
                "param partitionKeyPath string = '" + ragd.get("RAGD_COSMOS_PARTITION_KEY_PATH") + "'",
                "name: 'EnableServerless'");
        assertThat(read("postgres.bicep")).as("ragd's PostgreSQL URL shape").contains("'jdbc:postgresql://", "?sslmode=require'");
    }

    @Test
    void ragdsOtlpSettingsAreAcceptedAndReachTheCollector() throws Exception {
        String main = read("main.bicep");
        String endpoint = literalValue(main, "OTEL_EXPORTER_OTLP_ENDPOINT");
        String protocol = literalValue(main, "OTEL_EXPORTER_OTLP_PROTOCOL");
        assertThat(endpoint).isNotNull();
        ObservabilityConfig config = ObservabilityConfig.from(new Env(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL", protocol)));
        assertThat(config.tracing()).isTrue();
        String collector = Files.readString(DIR.resolve("otelcol/config.yaml"));
        Matcher listen = Pattern.compile("http:\\s*\\n\\s*endpoint: ([\\w.]+):(\\d+)").matcher(collector);
        assertThat(listen.find()).as("the collector's OTLP/HTTP receiver").isTrue();
        assertThat(endpoint).isEqualTo("http://" + listen.group(1) + ":" + listen.group(2));
        assertThat(collector).contains("exporters: [azuremonitor]");
    }

    @Test
    void everyModuleExistsAndEveryFileIsUsed() throws Exception {
        Map<String, String> files = bicepFiles();
        Set<String> referenced = new HashSet<>();
        Pattern module = Pattern.compile("(?m)^module \\w+ '([^']+)'");
        files.forEach((file, text) -> {
            Matcher m = module.matcher(text);
            while (m.find()) {
                assertThat(DIR.resolve(m.group(1))).as(file + " uses module " + m.group(1)).isRegularFile();
                referenced.add(m.group(1));
            }
        });
        Matcher fromMain = module.matcher(files.get("main.bicep"));
        Set<String> mainModules = new HashSet<>();
        while (fromMain.find()) {
            mainModules.add(fromMain.group(1));
        }
        Set<String> others = new TreeSet<>(files.keySet());
        others.remove("main.bicep");
        assertThat(mainModules).as("every .bicep file in deploy/azure is a module of main.bicep").containsAll(others);
        assertThat(referenced).isNotEmpty();
    }

    @Test
    void mainHasTheOutputsAndParametersTheWorkflowUses() throws Exception {
        String main = read("main.bicep");
        for (String output : List.of("registryName", "registryLoginServer", "webAppName", "containerAppName",
                "identityClientId", "appUrl")) {
            assertThat(main).containsPattern("(?m)^output " + output + " string ");
        }
        for (String param : List.of("name", "location", "hosting", "chatLog", "image", "imageTag", "openAiEndpoint",
                "openAiDeployment", "openAiResourceName", "appServiceSku", "postgresAdminPassword")) {
            assertThat(main).containsPattern("(?m)^param " + param + " ");
        }
        assertThat(main).as("no Free or Shared plan").doesNotContainPattern("'(F1|D1|FREE|SHARED)'");
    }
}

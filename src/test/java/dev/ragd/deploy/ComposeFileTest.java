package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.RagdConfig;
import dev.ragd.ops.loadtest.run.NginxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose.yaml} stays in step with ragd: its nginx configuration is the shipped one
 * rendered for the compose replicas, and every ragd setting it gives is one ragd reads.
 */
class ComposeFileTest {

    @Test
    void theComposeNginxConfigIsTheShippedOneRenderedForTheThreeReplicas() throws Exception {
        String rendered = NginxConfig.render(Files.readString(Nginx.SHIPPED),
                List.of("ragd-1:8000", "ragd-2:8000", "ragd-3:8000"), "80");
        String committed = Files.readString(Path.of("deploy/compose/nginx.conf"));

        assertThat(committed).as("regenerate deploy/compose/nginx.conf from deploy/nginx/ragd.conf")
                .isEqualTo("# Generated from deploy/nginx/ragd.conf for deploy/compose.yaml's replicas"
                        + " (ComposeFileTest keeps it in step).\n" + rendered + "\n");
    }

    @Test
    void everyRagdSettingInTheComposeFileIsOneRagdReads() throws Exception {
        String compose = Files.readString(Path.of("deploy/compose.yaml"));
        Matcher m = Pattern.compile("(?m)^\\s+((?:RAGD|OPENAI|AZURE_OPENAI)_[A-Z0-9_]+):").matcher(compose);
        int n = 0;
        while (m.find()) {
            assertThat(RagdConfig.defaults().describe()).as("compose.yaml sets " + m.group(1)).containsKey(m.group(1));
            n++;
        }
        assertThat(n).as("settings found").isGreaterThanOrEqualTo(8);
        assertThat(compose).as("no password in the file itself").contains("${RAGD_PG_PASSWORD:?")
                .doesNotContainPattern("PASSWORD: [^$\\s]");
    }
}

package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the users' reference: every variable ragd reads is in it. */
class ReadmeConfigTableTest {

    @Test
    void everyConfigurationVariableIsDocumentedInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Observability"));

        assertThat(RagdConfig.defaults().describe().keySet())
                .allSatisfy(name -> assertThat(table).as("README configuration table").contains("`" + name + "`"));
    }
}

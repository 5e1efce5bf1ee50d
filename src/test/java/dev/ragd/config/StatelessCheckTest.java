package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatelessCheckTest {

    private static final Writability READ_ONLY = dir -> false;
    private static final Writability WRITABLE = dir -> true;

    @TempDir
    Path dir;

    private Path index() throws Exception {
        return Files.createDirectories(dir.resolve("index"));
    }

    private Env env(Map<String, String> extra) throws Exception {
        Map<String, String> vars = new HashMap<>(Map.of("RAGD_STATELESS", "true", "RAGD_CHATLOG", "none",
                "RAGD_INDEX_DIR", index().toString()));
        vars.putAll(extra);
        return new Env(vars);
    }

    private static void verify(Env env, Writability w) {
        StatelessCheck.verify(RagdConfig.from(env), StatelessConfig.from(env), env, w);
    }

    @Test
    void statelessModeWithNoChatLogAndAReadOnlyIndexStarts() throws Exception {
        assertThatCode(() -> verify(env(Map.of()), READ_ONLY)).doesNotThrowAnyException();
    }

    @Test
    void offByDefaultSoTheFileChatLogAndAWritableIndexAreAllowed() throws Exception {
        Env env = new Env(Map.of("RAGD_DATA_DIR", dir.toString()));
        assertThat(StatelessConfig.from(env).enabled()).isFalse();
        assertThatCode(() -> verify(env, WRITABLE)).doesNotThrowAnyException();
    }

    @Test
    void theFileChatLogIsRefusedNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> verify(env(Map.of("RAGD_CHATLOG", "file")), READ_ONLY))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RAGD_STATELESS=true refuses RAGD_CHATLOG=file (it writes to local disk);"
                        + " use postgres, cosmos or none");
    }

    @Test
    void theDefaultChatLogIsTheFileOneAndSoIsRefusedToo() {
        Env env = new Env(Map.of("RAGD_STATELESS", "true"));
        assertThatThrownBy(() -> verify(env, READ_ONLY)).hasMessageContaining("refuses RAGD_CHATLOG=file");
    }

    @Test
    void aDotEnvFileThatWasReadIsRefusedNamingItsPath() throws Exception {
        Files.writeString(dir.resolve(".env"), "RAGD_TOP_K=4\n");
        Env env = Env.load(Map.of("RAGD_STATELESS", "true", "RAGD_CHATLOG", "none",
                "RAGD_INDEX_DIR", index().toString()), dir);

        assertThat(env.dotEnvFile()).contains(dir.resolve(".env"));
        assertThatThrownBy(() -> verify(env, READ_ONLY))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RAGD_STATELESS=true refuses the .env file at " + dir.resolve(".env"));
    }

    @Test
    void envWithoutADotEnvFileRemembersThatNoneWasRead() throws Exception {
        assertThat(Env.load(Map.of(), dir).dotEnvFile()).isEmpty();
        assertThat(new Env(Map.of()).dotEnvFile()).isEmpty();
    }

    @Test
    void aMissingIndexDirectoryIsNamedWithHowToBuildOne() throws Exception {
        Path missing = dir.resolve("no-such-index");
        assertThatThrownBy(() -> verify(env(Map.of("RAGD_INDEX_DIR", missing.toString())), READ_ONLY))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_INDEX_DIR=" + missing + " does not exist")
                .hasMessageContaining("ragd ingest");
    }

    @Test
    void theIndexDirectoryDefaultsToTheDataDirectorysIndex() throws Exception {
        Env env = new Env(Map.of("RAGD_STATELESS", "true", "RAGD_CHATLOG", "none", "RAGD_DATA_DIR", dir.toString()));
        assertThat(StatelessConfig.from(env).indexDir(dir)).isEqualTo(dir.resolve("index"));
        assertThatThrownBy(() -> verify(env, READ_ONLY))
                .hasMessageContaining("RAGD_INDEX_DIR=" + dir.resolve("index") + " does not exist");
    }

    @Test
    void aWritableIndexDirectoryIsRefused() throws Exception {
        assertThatThrownBy(() -> verify(env(Map.of()), WRITABLE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RAGD_STATELESS=true refuses a writable index directory RAGD_INDEX_DIR="
                        + index() + ": mount it read-only");
    }

    @Test
    void theRealProbeCallsAnOrdinaryTempDirectoryWritableEvenWithMode0555ForRoot() throws Exception {
        Path index = index();
        Files.setPosixFilePermissions(index, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean root = "root".equals(System.getProperty("user.name"));
        // root ignores mode bits: 0555 is not read-only for it, and the probe must say so honestly
        assertThat(Writability.probe().canWrite(index)).isEqualTo(root);
        if (root) {
            assertThatThrownBy(() -> StatelessCheck.verify(RagdConfig.from(env(Map.of())),
                    StatelessConfig.from(env(Map.of())), env(Map.of())))
                    .hasMessageContaining("refuses a writable index directory");
        }
        assertThat(Files.list(index)).as("the probe leaves nothing behind").isEmpty();
        Files.setPosixFilePermissions(index, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Prints the real probe's verdict for a directory; run inside a private mount namespace by the test below. */
    public static void main(String[] args) {
        System.out.println("canWrite=" + Writability.probe().canWrite(Path.of(args[0])));
    }

    @Test
    void theRealProbeCallsAReadOnlyBindMountReadOnlyEvenForRoot() throws Exception {
        Path index = index();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p;
        try {
            p = new ProcessBuilder("unshare", "-m", "sh", "-c",
                    "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && echo mounted"
                            + " && exec \"$2\" -XX:-UsePerfData -cp \"$3\" dev.ragd.config.StatelessCheckTest \"$1\"",
                    "sh", index.toString(), javaBin, cp).redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no unshare: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        org.junit.jupiter.api.Assumptions.assumeTrue(out.contains("mounted"),
                "needs `unshare -m` and bind mounts: " + out);
        assertThat(out).contains("canWrite=false");
        assertThat(Files.list(index)).isEmpty();
    }

    @Test
    void statelessAndIndexDirAreDescribedForTheConfigTable() throws Exception {
        StatelessConfig s = StatelessConfig.from(env(Map.of()));
        assertThat(s.describe(dir)).containsEntry("RAGD_STATELESS", "true")
                .containsEntry("RAGD_INDEX_DIR", index().toString());
    }

    @Test
    void aNonBooleanStatelessValueIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> StatelessConfig.from(new Env(Map.of("RAGD_STATELESS", "maybe"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_STATELESS='maybe'");
    }
}

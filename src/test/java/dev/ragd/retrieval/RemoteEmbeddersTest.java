package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.testsupport.OpenAiTestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteEmbeddersTest {

    private OpenAiTestServer upstream;

    @BeforeEach
    void setUp() {
        upstream = OpenAiTestServer.start();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    private LlmConfig openAi() {
        return LlmConfig.from(new Env(Map.of("RAGD_EMBEDDINGS", "openai", "OPENAI_BASE_URL", upstream.url() + "/v1",
                "OPENAI_API_KEY", "sk-emb", "RAGD_EMBEDDING_MODEL", "text-embedding-3-small",
                "RAGD_EMBEDDING_DIMENSIONS", "16")));
    }

    private LlmConfig azure() {
        return LlmConfig.from(new Env(Map.of("RAGD_EMBEDDINGS", "azure-openai", "AZURE_OPENAI_ENDPOINT", upstream.url(),
                "AZURE_OPENAI_API_KEY", "az-emb", "AZURE_OPENAI_EMBEDDING_DEPLOYMENT", "emb-dep",
                "AZURE_OPENAI_API_VERSION", "2024-10-21", "RAGD_EMBEDDING_DIMENSIONS", "12")));
    }

    @Test
    void openAiEmbedderPostsModelInputAndDimensionsWithABearerKey() {
        Embedder e = Embedders.from(openAi());

        float[] v = e.embedQuery("kettle warranty");
        List<float[]> passages = e.embedPassages(List.of("one", "two"));

        assertThat(e.name()).isEqualTo("openai:text-embedding-3-small");
        assertThat(e.dimension()).isEqualTo(16);
        assertThat(v).hasSize(16);
        assertThat(passages).hasSize(2).allSatisfy(p -> assertThat(p).hasSize(16));
        OpenAiTestServer.Received r = upstream.requests.getFirst();
        assertThat(r.path()).isEqualTo("/v1/embeddings");
        assertThat(r.authorization()).isEqualTo("Bearer sk-emb");
        assertThat(r.body().getString("model")).isEqualTo("text-embedding-3-small");
        assertThat(r.body().getInteger("dimensions")).isEqualTo(16);
        assertThat(r.body().getJsonArray("input").getString(0)).isEqualTo("kettle warranty");
        assertThat(upstream.requests.get(1).body().getJsonArray("input").getList()).containsExactly("one", "two");
    }

    @Test
    void azureEmbedderPostsToTheDeploymentWithTheApiKeyHeaderAndApiVersion() {
        Embedder e = Embedders.from(azure());

        float[] v = e.embedQuery("kettle warranty");

        assertThat(e.name()).isEqualTo("azure-openai:emb-dep");
        assertThat(v).hasSize(12);
        OpenAiTestServer.Received r = upstream.requests.getFirst();
        assertThat(r.path()).isEqualTo("/openai/deployments/emb-dep/embeddings");
        assertThat(r.query()).isEqualTo("api-version=2024-10-21");
        assertThat(r.apiKey()).isEqualTo("az-emb");
        assertThat(r.authorization()).isNull();
        assertThat(r.body().getInteger("dimensions")).isEqualTo(12);
    }

    @Test
    void localIsTheDefault() {
        assertThat(LlmConfig.from(new Env(Map.of())).embeddings()).isEqualTo("local");
    }

    @Test
    void anIndexBuiltByAnotherEmbedderIsRefusedNamingBoth(@TempDir Path dir) {
        Embedder remote = Embedders.from(openAi());
        LuceneIndex.open(dir, Embedders.LOCAL_NAME, 384).close();

        assertThatThrownBy(() -> LuceneIndex.open(dir, remote.name(), remote.dimension()).close())
                .hasMessageContaining(Embedders.LOCAL_NAME).hasMessageContaining("openai:text-embedding-3-small");
    }
}

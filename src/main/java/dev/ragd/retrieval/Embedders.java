package dev.ragd.retrieval;

import dev.langchain4j.model.azure.AzureOpenAiEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.ragd.config.LlmConfig;
import dev.ragd.observe.TraceHeaders;
import java.time.Duration;

/** Factory of the embedders ragd knows: the local BGE model, OpenAI and Azure OpenAI. */
public final class Embedders {

    /** Name recorded in indexes built by {@link #local()}. */
    public static final String LOCAL_NAME = "bge-small-en-v15-q";

    /**
     * The instruction BGE v1.5 was trained with for short queries against passages. Not used by
     * default: on the bundled benchmark it lowered vector recall@3 from 0.893 to 0.857 (BGE v1.5
     * is documented to work without it); {@code bench/retrieval.sh --query-prefix} measures it.
     */
    public static final String BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: ";

    /** Per-call timeout of the remote embedding APIs (a batch of passages at ingest time included). */
    public static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(60);

    /** Remote embedders retry transient failures this often (LangChain4j/Azure SDK back-off). */
    static final int REMOTE_RETRIES = 3;

    private Embedders() {}

    /**
     * BAAI bge-small-en-v1.5, quantized, run in-process with ONNX (384 dimensions, no network).
     * Loading takes a few seconds: create one and share it.
     */
    public static Embedder local() {
        return new Embedder(LOCAL_NAME, new BgeSmallEnV15QuantizedEmbeddingModel(), 384, "");
    }

    /**
     * {@link #local()} with its threads set for throughput ({@link ThroughputBgeModel}): {@code tasks}
     * texts at once, each on {@code onnxThreads} ONNX Runtime threads. Same name and vectors.
     */
    public static Embedder local(int tasks, int onnxThreads) {
        return new Embedder(LOCAL_NAME, new ThroughputBgeModel(tasks, onnxThreads), 384, "");
    }

    /**
     * The embedder {@code RAGD_EMBEDDINGS} selects: {@code local} ({@link #local()}), {@code openai}
     * (named {@code openai:<model>}) or {@code azure-openai} (named {@code azure-openai:<deployment>}),
     * the remote ones with {@code RAGD_EMBEDDING_DIMENSIONS} dimensions. The name and dimension are
     * recorded in the index, so serving with another embedder than the one that built it fails at
     * startup with a message naming both.
     */
    public static Embedder from(LlmConfig config) {
        return switch (config.embeddings()) {
            case "local" -> local();
            case "openai" -> openAi(config);
            case "azure-openai" -> azureOpenAi(config);
            default -> throw new IllegalArgumentException("unknown RAGD_EMBEDDINGS=" + config.embeddings());
        };
    }

    /**
     * The embedder {@code RAGD_EMBEDDINGS} selects, for ingestion: as {@link #from}, except that a
     * hosted model waits out its rate limit ({@link PatientEmbeddingModel}, each wait told to
     * {@code listener}) instead of failing the batch, and the in-process model runs one text per
     * core at once, each on one thread ({@link #local(int, int)}), the faster setting for many texts.
     */
    public static Embedder forIngestion(LlmConfig config, PatientEmbeddingModel.Listener listener) {
        Embedder e = switch (config.embeddings()) {
            case "local" -> local(Runtime.getRuntime().availableProcessors(), 1);
            case "openai" -> openAi(config, 0);
            case "azure-openai" -> azureOpenAi(config); // ragd's Azure client never retries (AzureOpenAiClients)
            default -> throw new IllegalArgumentException("unknown RAGD_EMBEDDINGS=" + config.embeddings());
        };
        return e.name().equals(LOCAL_NAME) ? e
                : new Embedder(e.name(), new PatientEmbeddingModel(e.model(), listener), e.dimension(), e.queryPrefix());
    }

    static Embedder openAi(LlmConfig config) {
        return openAi(config, REMOTE_RETRIES);
    }

    static Embedder openAi(LlmConfig config, int retries) {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder()
                .httpClientBuilder(new RetryAfterHttpClient.Builder())
                .baseUrl(config.openAiBaseUrl())
                .apiKey(config.openAiApiKey() == null ? "none" : config.openAiApiKey())
                .modelName(config.embeddingModel())
                .dimensions(config.embeddingDimensions())
                .timeout(REMOTE_TIMEOUT)
                .maxRetries(retries)
                .customHeaders(TraceHeaders::current) // the request's trace context, set around the search
                .build();
        return new Embedder("openai:" + config.embeddingModel(), model, config.embeddingDimensions(), "");
    }

    static Embedder azureOpenAi(LlmConfig config) {
        AzureOpenAiEmbeddingModel model = AzureOpenAiEmbeddingModel.builder()
                .openAIClient(AzureOpenAiClients.create(config, REMOTE_TIMEOUT))
                .deploymentName(config.azureEmbeddingDeployment())
                .dimensions(config.embeddingDimensions())
                .build();
        return new Embedder("azure-openai:" + config.azureEmbeddingDeployment(), model,
                config.embeddingDimensions(), "");
    }
}

package dev.ragd.ops.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;

/**
 * The in-process model with other thread settings, for {@code bench/ingest.sh} to measure against
 * the default: LangChain4j embeds each text of a call as its own task on an executor (one thread
 * per core by default), and each task runs ONNX Runtime, whose intra-op pool (by default as many
 * threads as cores) splits one text's work. Both at their defaults oversubscribe the cores; these
 * variants choose each.
 */
final class OnnxThreads extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder model;

    private OnnxThreads(int tasks, int intraOpThreads) {
        super(Executors.newFixedThreadPool(tasks, r -> {
            Thread t = new Thread(r, "bench-onnx");
            t.setDaemon(true);
            return t;
        }));
        try (InputStream onnx = resource("/bge-small-en-v1.5-q.onnx");
             InputStream tokenizer = resource("/bge-small-en-v1.5-q-tokenizer.json");
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            this.model = new OnnxBertBiEncoder(env, env.createSession(onnx.readAllBytes(), options), tokenizer,
                    PoolingMode.CLS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the model: " + e.getMessage(), e);
        }
    }

    /** The local model (same name, same vectors) run by {@code tasks} texts at once, each on {@code intraOpThreads}. */
    static Embedder embedder(int tasks, int intraOpThreads) {
        return new Embedder(Embedders.LOCAL_NAME, new OnnxThreads(tasks, intraOpThreads), 384, "");
    }

    private static InputStream resource(String name) {
        InputStream in = BgeSmallEnV15QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("model resource " + name + " is missing");
        }
        return in;
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return model;
    }

    @Override
    protected Integer knownDimension() {
        return 384;
    }
}

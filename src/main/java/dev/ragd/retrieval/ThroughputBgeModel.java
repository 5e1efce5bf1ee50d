package dev.ragd.retrieval;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;

/**
 * The in-process BGE model (the same file, so the same vectors) with its threads set for
 * throughput rather than for one text's latency. LangChain4j embeds each text of a call as its own
 * task on an executor (one thread per core by default), and each task runs ONNX Runtime, whose
 * intra-op pool (by default as many threads as cores) splits that one text's work; at their
 * defaults the two oversubscribe the cores. Ingestion embeds many texts at once, so here each text
 * gets one ONNX thread and there is one task per core ({@code bench/ingest.sh} measures both).
 * Searches keep the default model: one query at a time is faster with every core on it.
 */
final class ThroughputBgeModel extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder model;

    ThroughputBgeModel(int tasks, int intraOpThreads) {
        super(Executors.newFixedThreadPool(tasks, r -> {
            Thread t = new Thread(r, "ragd-embed-onnx");
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

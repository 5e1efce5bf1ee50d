package dev.ragd.chat;

import dev.ragd.testsupport.Pipelines;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.Generator;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.Retriever;
import dev.ragd.rewrite.QueryRewriter;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** Builds pipelines over fakes and runs requests on a Vert.x context, for the pipeline tests. */
final class PipelineHarness {

    private PipelineHarness() {}

    static ChatPipeline pipeline(Vertx vertx, Map<String, String> env, Retriever retriever, Generator generator,
            InMemoryChatLog chatLog, QueryRewriter rewriter) {
        return Pipelines.create(vertx, RagdConfig.from(new Env(env)), retriever, generator, chatLog, rewriter);
    }

    static ChatHandle run(Vertx vertx, ChatPipeline pipeline, ChatRequest request, ChatEvents events)
            throws Exception {
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<ChatHandle> handle = new CompletableFuture<>();
        ctx.runOnContext(v -> handle.complete(pipeline.run(request, events)));
        return handle.get(10, TimeUnit.SECONDS);
    }

    static ChatRequest ask(String id, List<Message> history, String question) {
        List<Message> messages = new java.util.ArrayList<>(history);
        messages.add(Message.user(question));
        return new ChatRequest(id, "ann@example.org", messages, true);
    }

    /** A rewriter answering with a function of question and history. */
    static QueryRewriter rewriter(BiFunction<String, List<Message>, List<String>> f) {
        return new QueryRewriter() {
            @Override
            public List<String> rewrite(String question, List<Message> history) {
                return f.apply(question, history);
            }

            @Override
            public String name() {
                return "test";
            }
        };
    }
}

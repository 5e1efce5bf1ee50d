package dev.ragd.testsupport;

import dev.ragd.App;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.PipelineParts;
import dev.ragd.chat.PipelineSettings;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.Generator;
import dev.ragd.retrieval.Retriever;
import dev.ragd.rewrite.NoRewrite;
import dev.ragd.rewrite.QueryRewriter;
import io.vertx.core.Vertx;

/** Pipelines over given parts, observed as {@link App} observes them (step log and all). */
public final class Pipelines {

    private Pipelines() {}

    public static ChatPipeline create(Vertx vertx, RagdConfig config, Retriever retriever, Generator generator,
            ChatLog chatLog) {
        return create(vertx, config, retriever, generator, chatLog, new NoRewrite());
    }

    public static ChatPipeline create(Vertx vertx, RagdConfig config, Retriever retriever, Generator generator,
            ChatLog chatLog, QueryRewriter rewriter) {
        return new ChatPipeline(vertx, PipelineSettings.from(config),
                new PipelineParts(retriever, generator, chatLog, rewriter, App.observer(config)));
    }
}

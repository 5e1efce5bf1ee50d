package dev.ragd.llm.openai;

import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Generator;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.Usage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * For the start-up warm-up: answers like the model client does, without the network. Each stream
 * builds the real request body (prompt and JSON, as {@link OpenAiStreamingGenerator} would send
 * it), then parses a canned server-sent-event answer through the real {@link SseReader} and
 * {@link ChatChunk} into tokens on the caller's context, with pause and resume. No model is called.
 */
final class CannedStreamGenerator implements Generator {

    private static final int TOKENS = 40;
    private static final byte[] ANSWER = cannedAnswer();

    private final OpenAiStreamingGenerator up;

    CannedStreamGenerator(OpenAiStreamingGenerator up) {
        this.up = up;
    }

    @Override
    public String model() {
        return up.model();
    }

    @Override
    public boolean isLanguageModel() {
        return true;
    }

    @Override
    public TokenStream stream(GenerationRequest request, Context context) {
        return new Stream(request, context);
    }

    private static byte[] cannedAnswer() {
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < TOKENS; i++) {
            sse.append("data: {\"id\":\"chatcmpl-warmup\",\"object\":\"chat.completion.chunk\",\"created\":0,")
                    .append("\"model\":\"warmup\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(i % 7 == 0 ? "warm\\u00e9 [1] " : "token" + i + " ")
                    .append("\"},\"finish_reason\":null}]}\n\n");
        }
        sse.append("data: {\"id\":\"chatcmpl-warmup\",\"object\":\"chat.completion.chunk\",\"created\":0,")
                .append("\"model\":\"warmup\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],")
                .append("\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":").append(TOKENS).append("}}\n\n")
                .append("data: [DONE]\n\n");
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    private final class Stream implements TokenStream {
        private final GenerationRequest request;
        private final Context context;
        private final List<String> tokens = new ArrayList<>();
        private Handler<String> handler = t -> { };
        private Handler<Usage> end = u -> { };
        private Usage usage = Usage.NONE;
        private int next;
        private boolean paused;
        private boolean cancelled;
        private boolean done;

        Stream(GenerationRequest request, Context context) {
            this.request = request;
            this.context = context;
        }

        @Override public TokenStream handler(Handler<String> h) { handler = h; return this; }

        @Override public TokenStream endHandler(Handler<Usage> h) { end = h; return this; }

        @Override public TokenStream exceptionHandler(Handler<Throwable> h) { return this; }

        @Override
        public void start() {
            context.runOnContext(v -> {
                Buffer body = up.endpoint().body(up.prompts().messages(request)); // built as for the model, not sent
                if (body.length() == 0) {
                    throw new IllegalStateException("empty request body");
                }
                SseReader reader = new SseReader(data -> {
                    if (!ChatChunk.DONE.equals(data.strip())) {
                        ChatChunk chunk = ChatChunk.read(data);
                        if (chunk.content() != null) {
                            tokens.add(chunk.content());
                        }
                        if (chunk.usage() != null) {
                            usage = chunk.usage();
                        }
                    }
                });
                reader.feed(ANSWER);
                reader.end();
                emit();
            });
        }

        private void emit() {
            while (!paused && !cancelled && next < tokens.size()) {
                handler.handle(tokens.get(next++));
            }
            if (!paused && !cancelled && !done && next == tokens.size()) {
                done = true;
                end.handle(usage);
            }
        }

        @Override public void pause() { paused = true; }

        @Override
        public void resume() {
            paused = false;
            context.runOnContext(v -> emit());
        }

        @Override public void cancel() { cancelled = true; }
    }
}

package dev.ragd.mock;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Answers one admitted chat-completions request, streamed or whole, with the simulator's delays. */
final class ChatCompletions {

    private static final String TOKEN = "@@ragd-mock-token@@";
    private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();

    private final Vertx vertx;
    private final Supplier<MockLlmOptions> current;
    private final MockStats stats;

    /** @param options the simulator's options now (read once per request; they may be reconfigured) */
    ChatCompletions(Vertx vertx, Supplier<MockLlmOptions> options, MockStats stats) {
        this.vertx = vertx;
        this.current = options;
        this.stats = stats;
    }

    /** The request's problem in OpenAI's 400 shape, or null when the body is a valid chat request. */
    static ApiError validate(JsonObject body) {
        if (!(body.getValue("messages") instanceof JsonArray messages)) {
            return body.containsKey("messages")
                    ? ApiError.invalid("Invalid type for 'messages': expected an array.", "messages", "invalid_type")
                    : ApiError.invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (messages.isEmpty()) {
            return ApiError.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, "
                    + "but got an empty array instead.", "messages", "empty_array");
        }
        try {
            Prompt.from(messages);
        } catch (IllegalArgumentException e) {
            return ApiError.invalid("Invalid value for '" + e.getMessage() + "'.", e.getMessage(), "invalid_value");
        }
        Object stream = body.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) {
            return ApiError.invalid("Invalid type for 'stream': expected a boolean.", "stream", "invalid_type");
        }
        Object streamOptions = body.getValue("stream_options");
        if (streamOptions != null && !(streamOptions instanceof JsonObject)) {
            return ApiError.invalid("Invalid type for 'stream_options': expected an object.", "stream_options",
                    "invalid_type");
        }
        return null;
    }

    /**
     * The tokens a valid request takes from a tokens-per-minute quota, as Azure OpenAI counts them:
     * its prompt tokens plus its {@code max_tokens} when given, else the answer's length.
     */
    static long quotaCost(JsonObject body, MockLlmOptions options) {
        Prompt prompt = Prompt.from(body.getJsonArray("messages"));
        Integer max = maxTokens(body);
        long answer = max != null ? max
                : Tokens.ofLength(GroundedAnswerer.answer(prompt), prompt.wantsExactReply() ? 0 : options.tokens()).size();
        return promptTokens(prompt) + answer;
    }

    private static int promptTokens(Prompt prompt) {
        return prompt.turns().stream().mapToInt(t -> Prompt.approxTokens(t.text()) + 4).sum() + 3;
    }

    static boolean streaming(JsonObject body) {
        return Boolean.TRUE.equals(body.getValue("stream"));
    }

    /**
     * Responds to a valid request as {@code decision} says ({@link Decision.Kind#ANSWER},
     * {@link Decision.Kind#STALL} or {@link Decision.Kind#CUT}). {@code onDone} runs once, when the
     * response ended or the client closed the connection.
     */
    void respond(HttpServerResponse response, JsonObject body, String model, boolean azure, String id,
            Decision decision, Runnable onDone) {
        MockLlmOptions options = current.get();
        Prompt prompt = Prompt.from(body.getJsonArray("messages"));
        List<String> tokens = Tokens.ofLength(GroundedAnswerer.answer(prompt), prompt.wantsExactReply() ? 0 : options.tokens());
        String finish = "stop";
        Integer max = maxTokens(body);
        if (max != null && max < tokens.size()) {
            tokens = tokens.subList(0, max);
            finish = "length";
        }
        JsonObject usage = Wire.usage(promptTokens(prompt), tokens.size());
        long created = System.currentTimeMillis() / 1000;
        if (!streaming(body)) {
            whole(response, Wire.completion(id, created, model, String.join("", tokens), finish, usage, azure),
                    tokens.size(), options, onDone);
            return;
        }
        JsonObject streamOptions = body.getJsonObject("stream_options", new JsonObject());
        boolean includeUsage = !options.noUsage() && Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
        List<ChatStream.Frame> head = new ArrayList<>();
        if (azure) {
            head.add(frame(Wire.azurePromptFilterChunk(), 0));
        }
        if (!options.omitRoleChunk()) {
            JsonObject role = new JsonObject().put("role", "assistant").put("content", "").putNull("refusal");
            head.add(frame(Wire.chunk(id, created, model, role, null, includeUsage, azure), 0));
        }
        List<ChatStream.Frame> tail = new ArrayList<>();
        if (!options.finishWithLastToken() || tokens.isEmpty()) {
            tail.add(frame(Wire.chunk(id, created, model, new JsonObject(), finish, includeUsage, azure), 0));
        }
        if (includeUsage) {
            tail.add(frame(Wire.usageChunk(id, created, model, usage), 0));
        }
        tail.add(new ChatStream.Frame("data: [DONE]\n\n", 0));
        List<String> content = tokens;
        String finishReason = finish;
        String[] template = template(Wire.chunk(id, created, model, new JsonObject().put("content", TOKEN), null,
                includeUsage, azure));
        IntFunction<ChatStream.Frame> tokenFrame = i -> {
            boolean first = i == 0 && options.omitRoleChunk();
            boolean last = i == content.size() - 1 && options.finishWithLastToken();
            if (first || last) {
                JsonObject delta = first ? new JsonObject().put("role", "assistant") : new JsonObject();
                delta.put("content", content.get(i));
                return frame(Wire.chunk(id, created, model, delta, last ? finishReason : null, includeUsage, azure), 1);
            }
            return new ChatStream.Frame(template[0] + new String(QUOTER.quoteAsString(content.get(i))) + template[1], 1);
        };
        List<ChatStream.Frame> frames = new AbstractList<>() {
            @Override
            public ChatStream.Frame get(int i) {
                if (i < head.size()) {
                    return head.get(i);
                }
                int t = i - head.size();
                return t < content.size() ? tokenFrame.apply(t) : tail.get(t - content.size());
            }

            @Override
            public int size() {
                return head.size() + content.size() + tail.size();
            }
        };
        int stallAfter = decision.kind() == Decision.Kind.STALL ? decision.stallAfter(tokens.size()) : -1;
        int cutAfter = decision.kind() == Decision.Kind.CUT ? decision.stallAfter(tokens.size()) : -1;
        new ChatStream(vertx, response, stats, frames, options.ttftMs(), options.tokenMs(), stallAfter, cutAfter,
                onDone).start();
    }

    private void whole(HttpServerResponse response, JsonObject completion, int tokens, MockLlmOptions options,
            Runnable onDone) {
        long delay = options.ttftMs() + Math.max(0, tokens - 1) * options.tokenMs();
        Runnable send = () -> {
            stats.tokens(tokens);
            onDone.run(); // before the end: a client that has the answer must find the request closed
            response.putHeader("content-type", "application/json").end(completion.encode());
        };
        if (delay <= 0) {
            send.run();
            return;
        }
        long timer = vertx.setTimer(delay, id -> send.run());
        response.closeHandler(v -> {
            if (vertx.cancelTimer(timer)) {
                onDone.run();
            }
        });
    }

    private static Integer maxTokens(JsonObject body) {
        for (String key : new String[] {"max_completion_tokens", "max_tokens"}) {
            if (body.getValue(key) instanceof Number n && n.intValue() > 0) {
                return n.intValue();
            }
        }
        return null;
    }

    /** The SSE text of a content chunk split around its placeholder token, so each token costs one concatenation. */
    private static String[] template(JsonObject chunk) {
        String sse = "data: " + chunk.encode() + "\n\n";
        int at = sse.indexOf(TOKEN);
        return new String[] {sse.substring(0, at), sse.substring(at + TOKEN.length())};
    }

    private static ChatStream.Frame frame(JsonObject json, int tokens) {
        return new ChatStream.Frame("data: " + json.encode() + "\n\n", tokens);
    }
}

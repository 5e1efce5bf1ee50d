package dev.ragd.mock;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Answers one admitted chat-completions request, streamed or whole, with the simulator's delays. */
final class ChatCompletions {

    private final Vertx vertx;
    private final MockLlmOptions options;
    private final MockStats stats;

    ChatCompletions(Vertx vertx, MockLlmOptions options, MockStats stats) {
        this.vertx = vertx;
        this.options = options;
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
        return null;
    }

    static boolean streaming(JsonObject body) {
        return Boolean.TRUE.equals(body.getValue("stream"));
    }

    /**
     * Responds to a valid request. {@code stallAfterFraction} is negative for a normal answer.
     * {@code onDone} runs once, when the response ended or the client closed the connection.
     */
    void respond(HttpServerResponse response, JsonObject body, String model, boolean azure, String id,
            double stallFraction, Runnable onDone) {
        Prompt prompt = Prompt.from(body.getJsonArray("messages"));
        List<String> tokens = Tokens.ofLength(GroundedAnswerer.answer(prompt), prompt.asksForQueries() ? 0 : options.tokens());
        String finish = "stop";
        Integer max = maxTokens(body);
        if (max != null && max < tokens.size()) {
            tokens = tokens.subList(0, max);
            finish = "length";
        }
        int promptTokens = prompt.turns().stream().mapToInt(t -> Prompt.approxTokens(t.text()) + 4).sum() + 3;
        JsonObject usage = Wire.usage(promptTokens, tokens.size());
        long created = System.currentTimeMillis() / 1000;
        if (!streaming(body)) {
            whole(response, Wire.completion(id, created, model, String.join("", tokens), finish, usage, azure),
                    tokens.size(), onDone);
            return;
        }
        JsonObject streamOptions = body.getJsonObject("stream_options", new JsonObject());
        boolean includeUsage = !options.noUsage() && Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
        List<ChatStream.Frame> frames = new ArrayList<>();
        if (azure) {
            frames.add(frame(Wire.azurePromptFilterChunk(), 0));
        }
        if (!options.omitRoleChunk()) {
            JsonObject role = new JsonObject().put("role", "assistant").put("content", "").putNull("refusal");
            frames.add(frame(Wire.chunk(id, created, model, role, null, includeUsage, azure), 0));
        }
        for (int i = 0; i < tokens.size(); i++) {
            JsonObject delta = new JsonObject();
            if (i == 0 && options.omitRoleChunk()) {
                delta.put("role", "assistant");
            }
            delta.put("content", tokens.get(i));
            boolean last = i == tokens.size() - 1;
            String reason = last && options.finishWithLastToken() ? finish : null;
            frames.add(frame(Wire.chunk(id, created, model, delta, reason, includeUsage, azure), 1));
        }
        if (!options.finishWithLastToken() || tokens.isEmpty()) {
            frames.add(frame(Wire.chunk(id, created, model, new JsonObject(), finish, includeUsage, azure), 0));
        }
        if (includeUsage) {
            frames.add(frame(Wire.usageChunk(id, created, model, usage), 0));
        }
        frames.add(new ChatStream.Frame("data: [DONE]\n\n", 0));
        int stallAfter = stallFraction < 0 ? -1 : new Decision(Decision.Kind.STALL, stallFraction).stallAfter(tokens.size());
        new ChatStream(vertx, response, stats, frames, options.ttftMs(), options.tokenMs(), stallAfter, onDone).start();
    }

    private void whole(HttpServerResponse response, JsonObject completion, int tokens, Runnable onDone) {
        long delay = options.ttftMs() + Math.max(0, tokens - 1) * options.tokenMs();
        Runnable send = () -> {
            stats.tokens(tokens);
            response.putHeader("content-type", "application/json").end(completion.encode());
            onDone.run();
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

    private static ChatStream.Frame frame(JsonObject json, int tokens) {
        return new ChatStream.Frame("data: " + json.encode() + "\n\n", tokens);
    }
}

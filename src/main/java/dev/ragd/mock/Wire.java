package dev.ragd.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON bodies OpenAI and Azure OpenAI send, with their field names. */
final class Wire {

    static final String FINGERPRINT = "fp_ragd_mock";

    private Wire() {}

    static JsonObject usage(int prompt, int completion) {
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /** One {@code chat.completion.chunk} with a single choice. */
    static JsonObject chunk(String id, long created, String model, JsonObject delta, String finishReason,
            boolean usageNull, boolean azure) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).putNull("logprobs")
                .put("finish_reason", finishReason);
        if (azure) {
            choice.put("content_filter_results", finishReason == null && !delta.isEmpty() ? contentFilter() : new JsonObject());
        }
        JsonObject chunk = base(id, "chat.completion.chunk", created, model)
                .put("choices", new JsonArray().add(choice));
        if (usageNull) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    /** The usage chunk sent last when {@code stream_options.include_usage} is true: no choices. */
    static JsonObject usageChunk(String id, long created, String model, JsonObject usage) {
        return base(id, "chat.completion.chunk", created, model).put("choices", new JsonArray()).put("usage", usage);
    }

    /** Azure's first streamed chunk: prompt filter results, empty choices, empty id and model. */
    static JsonObject azurePromptFilterChunk() {
        return new JsonObject().put("choices", new JsonArray()).put("created", 0).put("id", "").put("model", "")
                .put("object", "").put("prompt_filter_results", promptFilter());
    }

    static JsonObject completion(String id, long created, String model, String content, String finishReason,
            JsonObject usage, boolean azure) {
        JsonObject message = new JsonObject().put("role", "assistant").put("content", content).putNull("refusal");
        JsonObject choice = new JsonObject().put("index", 0).put("message", message).putNull("logprobs")
                .put("finish_reason", finishReason);
        JsonObject body = base(id, "chat.completion", created, model).put("choices", new JsonArray().add(choice))
                .put("usage", usage);
        if (azure) {
            choice.put("content_filter_results", contentFilter());
            body.put("prompt_filter_results", promptFilter());
        }
        return body;
    }

    static JsonObject models(long created) {
        JsonArray data = new JsonArray();
        for (String id : new String[] {"gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "text-embedding-3-large"}) {
            data.add(new JsonObject().put("id", id).put("object", "model").put("created", created)
                    .put("owned_by", "ragd-mock"));
        }
        return new JsonObject().put("object", "list").put("data", data);
    }

    private static JsonObject base(String id, String object, long created, String model) {
        return new JsonObject().put("id", id).put("object", object).put("created", created).put("model", model)
                .put("system_fingerprint", FINGERPRINT);
    }

    private static JsonArray promptFilter() {
        return new JsonArray().add(new JsonObject().put("prompt_index", 0).put("content_filter_results", contentFilter()));
    }

    private static JsonObject contentFilter() {
        JsonObject safe = new JsonObject().put("filtered", false).put("severity", "safe");
        return new JsonObject().put("hate", safe).put("self_harm", safe.copy()).put("sexual", safe.copy())
                .put("violence", safe.copy());
    }
}

package dev.ragd.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Builds {@code /embeddings} responses: deterministic vectors in OpenAI's list shape. */
final class EmbeddingsEndpoint {

    static final int DEFAULT_DIMENSIONS = 1536;
    static final int MAX_DIMENSIONS = 8192;

    /** A parsed request: the texts, their dimension count, float or base64. */
    record Request(List<String> inputs, int dimensions, boolean base64) {}

    private EmbeddingsEndpoint() {}

    /** The tokens a request takes from a tokens-per-minute quota: its inputs' tokens. */
    static long quotaCost(Request request) {
        return request.inputs().stream().mapToLong(Prompt::approxTokens).sum();
    }

    /**
     * Parses the body.
     *
     * @throws ApiErrorException with OpenAI's 400 for a missing or empty input, bad dimensions or format
     */
    static Request parse(JsonObject body) {
        Object input = body.getValue("input");
        List<String> inputs = new ArrayList<>();
        if (input instanceof String s) {
            inputs.add(s);
        } else if (input instanceof JsonArray a) {
            for (Object o : a) {
                if (o instanceof String s) {
                    inputs.add(s);
                } else if (o instanceof Number n) {
                    inputs.add("t" + n.longValue());
                } else if (o instanceof JsonArray tokenIds) {
                    StringBuilder sb = new StringBuilder();
                    tokenIds.forEach(t -> sb.append(" t").append(t));
                    inputs.add(sb.toString().strip());
                } else {
                    throw new ApiErrorException(ApiError.invalid("'$.input' is invalid. Please check the API reference: "
                            + "https://platform.openai.com/docs/api-reference.", "input", null));
                }
            }
        } else if (input == null) {
            throw new ApiErrorException(ApiError.invalid("'input' is a required property", null, null));
        } else {
            throw new ApiErrorException(ApiError.invalid("'$.input' is invalid. Please check the API reference: "
                    + "https://platform.openai.com/docs/api-reference.", "input", null));
        }
        if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
            throw new ApiErrorException(ApiError.invalid("'$.input' is invalid. Please check the API reference: "
                    + "https://platform.openai.com/docs/api-reference.", "input", null));
        }
        int dimensions = DEFAULT_DIMENSIONS;
        Object d = body.getValue("dimensions");
        if (d != null) {
            if (!(d instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1
                    || n.intValue() > MAX_DIMENSIONS) {
                throw new ApiErrorException(ApiError.invalid("Invalid value for 'dimensions' = " + d
                        + ". Must be an integer from 1 to " + MAX_DIMENSIONS + ".", "dimensions", "invalid_value"));
            }
            dimensions = n.intValue();
        }
        Object format = body.getValue("encoding_format", "float");
        if (!"float".equals(format) && !"base64".equals(format)) {
            throw new ApiErrorException(ApiError.invalid("Invalid value for 'encoding_format' = " + format
                    + ". Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value"));
        }
        return new Request(List.copyOf(inputs), dimensions, "base64".equals(format));
    }

    static JsonObject respond(Request request, String model) {
        JsonArray data = new JsonArray();
        int promptTokens = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            String text = request.inputs().get(i);
            promptTokens += Prompt.approxTokens(text);
            float[] v = MockEmbeddings.embed(text, request.dimensions());
            Object embedding;
            if (request.base64()) {
                embedding = MockEmbeddings.base64(v);
            } else {
                JsonArray values = new JsonArray(new ArrayList<>(v.length));
                for (float x : v) {
                    values.add(x);
                }
                embedding = values;
            }
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", embedding));
        }
        return new JsonObject().put("object", "list").put("data", data).put("model", model)
                .put("usage", new JsonObject().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens));
    }
}

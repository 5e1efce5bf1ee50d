package dev.ragd.llm.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragd.config.LlmConfig;
import dev.ragd.llm.Message;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Where and how chat completions are requested: the two request shapes ragd speaks.
 *
 * <ul>
 *   <li>OpenAI-compatible: {@code POST {OPENAI_BASE_URL}/chat/completions}, {@code Authorization: Bearer <key>}
 *       when a key is set, body with {@code model}.</li>
 *   <li>Azure OpenAI: {@code POST {AZURE_OPENAI_ENDPOINT}/openai/deployments/{deployment}/chat/completions?api-version=...},
 *       header {@code api-key}, or with {@code AZURE_OPENAI_AUTH=entra} a bearer token from an {@link AccessTokenSource}.</li>
 * </ul>
 * Both stream ({@code "stream": true}) and ask for usage in the last chunk. {@link #toString()} never shows keys.
 */
public final class UpstreamEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String url;
    private final String model;
    private final boolean sendModel;
    private final String headerName;
    private final String headerValue;
    private final boolean bearerFromSource;
    private final int maxTokens;
    private final boolean reasoningModel;

    private UpstreamEndpoint(String name, String url, String model, boolean sendModel, String headerName,
                             String headerValue, boolean bearerFromSource, int maxTokens, String modelFamily) {
        this.name = name;
        this.url = url;
        this.model = model;
        this.sendModel = sendModel;
        this.headerName = headerName;
        this.headerValue = headerValue;
        this.bearerFromSource = bearerFromSource;
        this.maxTokens = maxTokens;
        String family = modelFamily == null ? "" : modelFamily.toLowerCase(Locale.ROOT);
        this.reasoningModel = family.matches("^(o\\d|gpt-5).*");
    }

    /** The endpoint for {@code config.provider()}, which must be {@code openai} or {@code azure-openai}. */
    public static UpstreamEndpoint from(LlmConfig config) {
        return switch (config.provider()) {
            case "openai" -> new UpstreamEndpoint("openai:" + config.model(),
                    config.openAiBaseUrl() + "/chat/completions", config.model(), true,
                    config.openAiApiKey() == null ? null : "Authorization",
                    config.openAiApiKey() == null ? null : "Bearer " + config.openAiApiKey(),
                    false, config.maxAnswerTokens(), config.model());
            case "azure-openai" -> {
                boolean entra = "entra".equals(config.azureAuth());
                yield new UpstreamEndpoint("azure-openai:" + config.azureDeployment(),
                        config.azureEndpoint() + "/openai/deployments/" + encode(config.azureDeployment())
                                + "/chat/completions?api-version=" + encode(config.azureApiVersion()),
                        config.azureDeployment(), false,
                        entra ? null : "api-key", entra ? null : config.azureApiKey(),
                        entra, config.maxAnswerTokens(), config.model());
            }
            default -> throw new IllegalArgumentException("RAGD_LLM=" + config.provider()
                    + " is not served by the OpenAI streaming client (expected openai or azure-openai)");
        };
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    /** The model (OpenAI) or deployment (Azure) name. */
    public String model() {
        return model;
    }

    /** True when each request needs a bearer token from an {@link AccessTokenSource}. */
    public boolean needsToken() {
        return bearerFromSource;
    }

    /** Adds content type, accept and authentication headers; {@code bearer} is used only when {@link #needsToken()}. */
    public void addHeaders(MultiMap headers, String bearer) {
        headers.set("Content-Type", "application/json");
        headers.set("Accept", "text/event-stream");
        if (headerName != null) {
            headers.set(headerName, headerValue);
        }
        if (bearerFromSource && bearer != null) {
            headers.set("Authorization", "Bearer " + bearer);
        }
    }

    /**
     * The request body. Reasoning models (o1/o3/o4/gpt-5 families) take {@code max_completion_tokens}
     * and no temperature; others {@code max_tokens} and a low temperature for grounded answers.
     */
    public Buffer body(List<Message> messages) {
        ObjectNode body = JSON.createObjectNode();
        if (sendModel) {
            body.put("model", model);
        }
        ArrayNode list = body.putArray("messages");
        for (Message m : messages) {
            list.addObject().put("role", m.role().name().toLowerCase(Locale.ROOT)).put("content", m.content());
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (reasoningModel) {
            body.put("max_completion_tokens", maxTokens);
        } else {
            body.put("max_tokens", maxTokens);
            body.put("temperature", 0.2);
        }
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode chat request", e);
        }
    }

    /** The configured API key or {@code null}, so error details can be scrubbed of it. */
    String secret() {
        return headerValue;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "UpstreamEndpoint[" + name + " " + url + "]";
    }
}

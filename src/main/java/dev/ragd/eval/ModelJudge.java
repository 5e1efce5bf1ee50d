package dev.ragd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.model.azure.AzureOpenAiChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.AzureOpenAiClients;
import dev.ragd.retrieval.Passage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@link Judge} that asks a chat model, with the rubric prompts shipped in
 * {@code /eval/judge-*.txt}. The question, passages and answer go in delimited blocks; text that
 * would close or open a block is neutralised, so an answer cannot rewrite its own verdict's frame.
 * A call that failed for a reason that may pass (a timeout, a rate limit, a server error) is retried
 * with backoff; then, or at once for a refused key or request, it is a verdict without a score.
 * A score must be a whole number from 1 to 5.
 */
public final class ModelJudge implements Judge {

    static final int MAX_TOKENS = 300;
    private static final Pattern DELIMITER = Pattern.compile(
            "<(?=\\s*/?\\s*(?:history|question|sources|passage|answer)\\b|\\|)", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatModel model;
    private final String name;
    private final int maxRetries;
    private final Map<String, String> prompts;

    ModelJudge(ChatModel model, String name, int maxRetries) {
        this.model = model;
        this.name = name;
        this.maxRetries = maxRetries;
        this.prompts = Map.of(Metrics.GROUNDEDNESS, resource("/eval/judge-groundedness.txt"),
                Metrics.RELEVANCE, resource("/eval/judge-relevance.txt"));
    }

    /** The configured judge, or {@code null} when {@code RAGD_EVAL_JUDGE=none}. */
    public static Judge create(JudgeConfig config) {
        if (!config.enabled()) {
            return null;
        }
        Duration timeout = Duration.ofMillis(config.timeoutMs());
        ChatModel model = switch (config.provider()) {
            case "openai" -> OpenAiChatModel.builder().baseUrl(config.baseUrl())
                    .apiKey(config.apiKey() == null ? "none" : config.apiKey()).modelName(config.model())
                    .temperature(0.0).maxTokens(MAX_TOKENS).timeout(timeout).maxRetries(0).build();
            case "azure-openai" -> AzureOpenAiChatModel.builder()
                    .openAIClient(AzureOpenAiClients.create(config.asAzureLlm(), timeout))
                    .deploymentName(config.deployment()).temperature(0.0).maxTokens(MAX_TOKENS).build();
            default -> throw new IllegalArgumentException("RAGD_EVAL_JUDGE=" + config.provider());
        };
        return new ModelJudge(model, config.name(), config.maxRetries());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Judgement judge(String metric, EvalQuestion question, EvalAnswer answer) {
        String system = prompts.get(metric);
        if (system == null) {
            throw new IllegalArgumentException("no judge prompt for " + metric);
        }
        String user = userMessage(metric, question, answer);
        RuntimeException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            try {
                String text = model.chat(SystemMessage.from(system), UserMessage.from(user)).aiMessage().text();
                return verdict(text);
            } catch (RuntimeException e) {
                last = e;
                if (e instanceof NonRetriableException) {
                    break; // a refused key or a bad request does not get better by asking again
                }
                if (attempt < maxRetries) {
                    sleep(Math.min(8_000, 500L << attempt));
                }
            }
        }
        return new Judgement(null, "judge call failed: " + last.getMessage());
    }

    static String userMessage(String metric, EvalQuestion question, EvalAnswer answer) {
        StringBuilder sb = new StringBuilder();
        if (!question.history().isEmpty()) {
            sb.append("<history>\n");
            for (Message m : question.history()) {
                sb.append(m.role() == Message.Role.USER ? "User: " : "Assistant: ").append(safe(m.content())).append('\n');
            }
            sb.append("</history>\n");
        }
        sb.append("<question>\n").append(safe(question.question())).append("\n</question>\n");
        if (Metrics.GROUNDEDNESS.equals(metric)) {
            sb.append("<sources>\n");
            int n = 1;
            for (Passage p : answer.sources()) {
                sb.append("<passage id=\"").append(n++).append("\">\n").append(safe(p.text())).append("\n</passage>\n");
            }
            sb.append("</sources>\n");
        }
        sb.append("<answer>\n").append(safe(answer.answer())).append("\n</answer>");
        return sb.toString();
    }

    /** Reads the verdict's JSON object (the first {@code {} to the last {@code }}), score 1–5. */
    static Judgement verdict(String text) {
        String t = text == null ? "" : text;
        int start = t.indexOf('{');
        int end = t.lastIndexOf('}');
        if (start >= 0 && end > start) {
            try {
                JsonNode node = JSON.readTree(t.substring(start, end + 1));
                JsonNode score = node.path("score");
                double d = score.isNumber() ? score.asDouble()
                        : score.isTextual() ? Double.parseDouble(score.textValue().strip()) : 0;
                String reason = node.path("reason").isTextual() ? node.get("reason").textValue() : "";
                // range-checked before rounding, so a huge number cannot wrap into the scale
                if (d >= 1 && d <= 5 && d == Math.rint(d)) {
                    return new Judgement((int) d, reason);
                }
            } catch (IOException | NumberFormatException unreadable) {
                // reported below
            }
        }
        String shown = t.length() > 200 ? t.substring(0, 200) + "…" : t;
        return new Judgement(null, "the judge's reply holds no score from 1 to 5: " + shown);
    }

    private static String safe(String text) {
        return DELIMITER.matcher(text == null ? "" : text).replaceAll("&lt;");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String resource(String path) {
        try (InputStream in = ModelJudge.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

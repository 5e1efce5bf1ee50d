package dev.ragd.rewrite;

import dev.ragd.llm.openai.Secrets;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.ragd.llm.Message;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites with one short, non-streaming model call: the system prompt from
 * {@code prompts/rewrite-system.txt}, then the recent history and the new question. Any failure
 * (HTTP error, timeout, empty output) falls back to the question as asked, with a warning in the
 * log; rewriting never fails a request.
 */
public final class LlmQueryRewriter implements QueryRewriter {

    private static final Logger log = LoggerFactory.getLogger(LlmQueryRewriter.class);
    private static final int MAX_HISTORY_CHARS = 1000;
    private static final String QUESTION_PREFIX = "user_question:";

    private final ChatModel model;
    private final String name;
    private final String systemPrompt;
    private final int maxQueries;

    /**
     * @param model        a chat model built with a short timeout and no retries
     * @param name         for logs, e.g. {@code llm:gpt-4o-mini}
     * @param systemPrompt the instructions; {@code {max_queries}} is replaced by {@code maxQueries}
     * @param maxQueries   the most queries to return (1 or more)
     */
    public LlmQueryRewriter(ChatModel model, String name, String systemPrompt, int maxQueries) {
        if (maxQueries < 1) {
            throw new IllegalArgumentException("maxQueries must be at least 1, was " + maxQueries);
        }
        this.model = Objects.requireNonNull(model, "model");
        this.name = Objects.requireNonNull(name, "name");
        this.systemPrompt = systemPrompt.replace("{max_queries}", Integer.toString(maxQueries));
        this.maxQueries = maxQueries;
    }

    @Override
    public List<String> rewrite(String question, List<Message> history) {
        if (history.isEmpty() && maxQueries == 1) {
            return List.of(question); // nothing to resolve and nothing to split
        }
        long start = System.nanoTime();
        try {
            ChatResponse response = model.chat(messages(question, history));
            String text = response == null || response.aiMessage() == null ? null : response.aiMessage().text();
            List<String> queries = RewriteParser.parse(text, question, maxQueries);
            log.atDebug().addKeyValue("rewriter", name).addKeyValue("queries", queries.size())
                    .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000).log("query rewrite");
            return queries;
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("rewriter", name).addKeyValue("error", e.getClass().getSimpleName())
                    .addKeyValue("detail", shorten(Secrets.redact(e.getMessage())))
                    .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000)
                    .log("query rewrite failed: searching for the question as asked");
            return List.of(question);
        }
    }

    List<ChatMessage> messages(String question, List<Message> history) {
        StringBuilder user = new StringBuilder();
        if (!history.isEmpty()) {
            user.append("Chat history:\n");
            for (Message m : history) {
                String role = m.role() == Message.Role.ASSISTANT ? "Assistant" : "User";
                user.append(role).append(": ").append(shorten(strip(m.content()))).append('\n');
            }
            user.append('\n');
        }
        user.append("New question: ").append(question);
        return List.of(SystemMessage.from(systemPrompt), UserMessage.from(user.toString()));
    }

    private static String strip(String text) {
        String s = text.strip();
        return s.toLowerCase(Locale.ROOT).startsWith(QUESTION_PREFIX) ? s.substring(QUESTION_PREFIX.length()).strip() : s;
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_HISTORY_CHARS ? s : s.substring(0, MAX_HISTORY_CHARS) + "…";
    }

    @Override
    public String name() {
        return name;
    }
}

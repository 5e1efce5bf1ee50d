package dev.ragd.llm.openai;

import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.Passage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grounded-answer prompt, in this order:
 * <ol>
 * <li>one system message, the server's rules ({@code prompts/answer-system.txt}) and nothing else:
 *     the same text for every request, never built from client or document text;</li>
 * <li>the history turns, as user and assistant messages only (a {@code SYSTEM} turn is dropped; the
 *     wire parsers refuse such roles before this);</li>
 * <li>the last user message: the passages inside a {@code <sources>} block, each as
 *     {@code <passage id="n" title="...">…</passage>} ({@code prompts/answer-context.txt},
 *     {@code prompts/answer-passage.txt}), introduced as untrusted reference data, then the question
 *     ({@code prompts/answer-no-passages.txt} when nothing was retrieved).</li>
 * </ol>
 * Citations stay {@code [n]}, n being the passage id (its 1-based position in the request).
 *
 * <p>Only the server writes the delimiters: in passage text, titles, history and the question every
 * {@code <passage}, {@code </passage}, {@code <sources}, {@code </sources} (any case, any spacing)
 * and every chat-template marker {@code <|…|>} has its {@code <} replaced by {@code &lt;}, so no text
 * can close a block early or open one of its own; a title is also escaped as an attribute value.
 * What this does not protect against is in {@code docs/prompt-injection.md}.
 *
 * <p>Templates are read once from the classpath (so they work from the fat jar); placeholders are
 * {@code {{name}}}, substituted in one pass so passage text containing braces is left as it is.
 */
public final class Prompts {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
    /** The opening of a delimiter tag ({@code <sources>}, {@code </ Passage}, …) or of a chat-template token. */
    private static final Pattern DELIMITER = Pattern.compile("<(?=\\s*/?\\s*(?:passage|sources)\\b|\\|)",
            Pattern.CASE_INSENSITIVE);

    private final String system;
    private final String context;
    private final String passage;
    private final String noPassages;

    private Prompts(String system, String context, String passage, String noPassages) {
        this.system = system.strip();
        this.context = context.strip();
        this.passage = passage.strip();
        this.noPassages = noPassages.strip();
    }

    /** Loads the templates from {@code /prompts/answer-*.txt} on the classpath. */
    public static Prompts load() {
        return new Prompts(resource("answer-system.txt"), resource("answer-context.txt"),
                resource("answer-passage.txt"), resource("answer-no-passages.txt"));
    }

    /** The messages sent to the model for this request, in order; only the first is a system message. */
    public List<Message> messages(GenerationRequest request) {
        List<Message> out = new ArrayList<>(request.history().size() + 2);
        out.add(new Message(Message.Role.SYSTEM, system));
        for (Message turn : request.history()) {
            if (turn.role() != Message.Role.SYSTEM && !turn.content().isBlank()) {
                out.add(new Message(turn.role(), untrusted(turn.content())));
            }
        }
        out.add(Message.user(questionMessage(request.passages(), request.question())));
        return out;
    }

    /** The server's rules: the whole of the system message. */
    String system() {
        return system;
    }

    /** The last user message: the passages block (numbered from 1 in the request's order), then the question. */
    String questionMessage(List<Passage> passages, String question) {
        String q = question == null ? "" : untrusted(question.strip());
        if (passages.isEmpty()) {
            return fill(noPassages, Map.of("question", q));
        }
        StringBuilder rendered = new StringBuilder();
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            if (i > 0) {
                rendered.append("\n\n");
            }
            String title = p.title() == null || p.title().isBlank() ? p.docId() : p.title();
            rendered.append(fill(passage, Map.of(
                    "n", Integer.toString(i + 1),
                    "title", attribute(title == null ? "" : title.strip()),
                    "text", untrusted(p.text() == null ? "" : p.text().strip()))));
        }
        return fill(context, Map.of("passages", rendered.toString(), "question", q));
    }

    /**
     * {@code text} with every delimiter-like tag opening ({@code <passage}, {@code </sources}, …, any
     * case and spacing) and chat-template token opening ({@code <|}) turned into {@code &lt;…}.
     */
    static String untrusted(String text) {
        return DELIMITER.matcher(text).replaceAll("&lt;");
    }

    /** {@code text} as a double-quoted attribute value on one line. */
    static String attribute(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;")
                .replaceAll("\\s+", " ");
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 256);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String resource(String name) {
        String path = "/prompts/" + name;
        try (InputStream in = Prompts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("prompt template " + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt template " + path, e);
        }
    }
}

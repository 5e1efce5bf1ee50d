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
 * The grounded-answer prompt: a system message made of the rules ({@code prompts/answer-system.txt})
 * and the numbered passages ({@code prompts/answer-context.txt}, each passage rendered with
 * {@code prompts/answer-passage.txt} as {@code [n] Title: ...} and its text), then the history turns,
 * then the question as the last user message.
 *
 * <p>Templates are read once from the classpath (so they work from the fat jar); placeholders are
 * {@code {{name}}}, substituted in one pass so passage text containing braces is left as it is.
 */
public final class Prompts {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    private final String system;
    private final String context;
    private final String passage;
    private final String noPassages;

    private Prompts(String system, String context, String passage, String noPassages) {
        this.system = system;
        this.context = context;
        this.passage = passage;
        this.noPassages = noPassages;
    }

    /** Loads the templates from {@code /prompts/answer-*.txt} on the classpath. */
    public static Prompts load() {
        return new Prompts(resource("answer-system.txt"), resource("answer-context.txt"),
                resource("answer-passage.txt"), resource("answer-no-passages.txt"));
    }

    /** The messages sent to the model for this request, in order. */
    public List<Message> messages(GenerationRequest request) {
        List<Message> out = new ArrayList<>(request.history().size() + 2);
        out.add(new Message(Message.Role.SYSTEM, system.strip() + "\n\n" + contextBlock(request.passages())));
        for (Message turn : request.history()) {
            if (turn.role() != Message.Role.SYSTEM && !turn.content().isBlank()) {
                out.add(turn);
            }
        }
        out.add(Message.user(request.question()));
        return out;
    }

    /** The passages block, numbered from 1 in the request's order. */
    String contextBlock(List<Passage> passages) {
        if (passages.isEmpty()) {
            return noPassages.strip();
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
                    "title", title == null ? "" : title.strip(),
                    "text", p.text() == null ? "" : p.text().strip())).strip());
        }
        return fill(context, Map.of("passages", rendered.toString())).strip();
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

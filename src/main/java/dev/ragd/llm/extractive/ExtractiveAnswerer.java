package dev.ragd.llm.extractive;

import dev.ragd.llm.Usage;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.Message;
import dev.ragd.llm.Generator;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.FollowUps;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The offline answerer used when no language model is configured: it quotes the retrieved
 * sentences that best match the question, each followed by its citation {@code [n]}.
 *
 * <p>Passages are cut into sentences, or into lines for {@code Key: value} records (see
 * {@link PassageSplitter}); question and candidates are analysed with Lucene's English analyser
 * (see {@link TermAnalyser}); candidates are scored by IDF-weighted overlap with the question, with
 * credit for question terms in the same passage or its title and for terms of the previous user
 * turns (see {@link SentenceRanker}); a follow-up ("And how much is it?") is answered only from
 * passages that mention the subject of the earlier turns. The answer is 1 to 3 sentences, about 80 words at most; record
 * lines read as {@code Hasty Pants — Warranty: 2 years [1]}. When nothing matches, the answer says
 * so and cites nothing.
 *
 * <p>Deterministic: the same request always gives the same text. The text is computed on a worker
 * thread at {@link TokenStream#start()} and streamed word by word (see {@link PacedTokenStream}).
 * {@link Usage} is an estimate: prompt tokens are the whitespace-separated words of question,
 * history and passages; completion tokens are the number of streamed words.
 */
public final class ExtractiveAnswerer implements Generator {

    static final String NO_PASSAGES =
            "I could not find anything about this in the documents, so I cannot answer it.";
    static final String NO_ANSWER = "The documents I found do not contain an answer to this question.";
    static final int MAX_WORDS = 80;
    static final int MAX_SENTENCES = 3;

    /** A question that leans on an earlier turn: "And the price?", "What about it?", "How much is it?". */
    private final Vertx vertx;
    private final int tokenDelayMs;
    private final TermAnalyser analyser = new TermAnalyser();

    /**
     * @param vertx        Vert.x whose timers pace the streamed tokens
     * @param tokenDelayMs pause between streamed words in milliseconds; 0 streams one word per
     *                     event-loop turn
     * @throws IllegalArgumentException if {@code tokenDelayMs} is negative
     */
    public ExtractiveAnswerer(Vertx vertx, int tokenDelayMs) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        if (tokenDelayMs < 0) {
            throw new IllegalArgumentException("tokenDelayMs must be >= 0, was " + tokenDelayMs);
        }
        this.tokenDelayMs = tokenDelayMs;
    }

    @Override
    public String model() {
        return "extractive";
    }

    @Override
    public boolean isLanguageModel() {
        return false;
    }

    @Override
    public TokenStream stream(GenerationRequest request, Context context) {
        Objects.requireNonNull(request, "request");
        return new PacedTokenStream(vertx, context, () -> answer(request), promptTokens(request), tokenDelayMs);
    }

    /** The whole answer text for a request; pure, deterministic and thread-safe. */
    public String answer(GenerationRequest request) {
        List<Passage> passages = request.passages();
        if (passages.isEmpty()) {
            return NO_PASSAGES;
        }
        List<String> question = distinct(analyser.questionTerms(request.question()));
        List<String> earlier = earlierUserTerms(request.history());
        earlier.removeAll(question);
        PassageSplitter splitter = new PassageSplitter(analyser::terms);
        List<List<Candidate>> split = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            split.add(splitter.split(i, passages.get(i).text()));
        }
        boolean followUp = FollowUps.isFollowUp(request.question());
        List<Candidate> chosen = new SentenceRanker(question, analyser.alternates(question), distinct(earlier), followUp)
                .choose(passages, split, analyser, MAX_SENTENCES, MAX_WORDS);
        return chosen.isEmpty() ? NO_ANSWER : AnswerWriter.write(chosen, passages, MAX_WORDS);
    }

    /** Terms of the last two user turns before the question. */
    private List<String> earlierUserTerms(List<Message> history) {
        List<String> out = new ArrayList<>();
        int taken = 0;
        for (int i = history.size() - 1; i >= 0 && taken < 2; i--) {
            if (history.get(i).role() == Message.Role.USER) {
                out.addAll(analyser.questionTerms(history.get(i).content()));
                taken++;
            }
        }
        return out;
    }

    /** Estimated prompt size: words of question, history, passage titles and texts. */
    static int promptTokens(GenerationRequest request) {
        int words = countWords(request.question());
        for (Message m : request.history()) {
            words += countWords(m.content());
        }
        for (Passage p : request.passages()) {
            words += countWords(p.title()) + countWords(p.text());
        }
        return words;
    }

    private static int countWords(String s) {
        return s == null || s.isBlank() ? 0 : s.strip().split("\\s+").length;
    }

    private static List<String> distinct(List<String> terms) {
        return new ArrayList<>(new LinkedHashSet<>(terms));
    }
}

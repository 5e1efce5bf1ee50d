package dev.ragd.llm;

import dev.ragd.retrieval.Passage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The offline answerer used when no language model is configured: it quotes the retrieved
 * sentences that best match the question, each followed by its citation {@code [n]}.
 *
 * <p>Passages are cut into sentences, or into lines for {@code Key: value} records. Question and
 * candidates are analysed with Lucene's {@link EnglishAnalyzer} (lower-casing, stop words, Porter
 * stemming) plus common question words. A candidate scores the IDF (over all candidates) of the
 * question terms it contains, plus half the IDF of question terms found elsewhere in its passage or
 * title (so "Warranty: 2 years" wins in the record whose title names the product asked about), plus
 * a quarter weight for terms of earlier user turns (follow-up questions). Ties go to the
 * higher-ranked passage, then to the earlier sentence. The best candidate is kept; up to two more
 * are added when they score at least half as well and cover question terms not yet covered, within
 * about 80 words. When nothing matches, the answer says so and cites nothing.
 *
 * <p>Deterministic: the same request always gives the same text. Usage is an estimate: prompt tokens
 * are the whitespace-separated words of question, history and passages; completion tokens are the
 * number of streamed tokens (words).
 */
public final class ExtractiveAnswerer implements Generator {

    static final String NO_PASSAGES =
            "I could not find anything about this in the documents, so I cannot answer it.";
    static final String NO_ANSWER = "The documents I found do not contain an answer to this question.";
    static final int MAX_WORDS = 80;
    static final int MAX_SENTENCES = 3;

    private static final List<String> QUESTION_WORDS = List.of(
            "what", "what's", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "do",
            "did", "done", "can", "could", "would", "should", "shall", "may", "might", "must", "i", "me",
            "my", "mine", "you", "your", "we", "our", "us", "he", "she", "his", "her", "its", "it's",
            "tell", "please", "about", "much", "many", "any", "some", "have", "has", "had", "am", "were",
            "been", "being", "from", "than", "so", "also", "there", "here", "know", "give", "show",
            "find", "explain", "describe", "want", "need", "get", "let", "like", "just");

    private final Vertx vertx;
    private final int tokenDelayMs;
    private final Analyzer analyzer;

    /**
     * @param vertx        Vert.x whose timers pace the streamed tokens
     * @param tokenDelayMs pause between streamed words in milliseconds; 0 streams one word per
     *                     event-loop turn
     */
    public ExtractiveAnswerer(Vertx vertx, int tokenDelayMs) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        if (tokenDelayMs < 0) {
            throw new IllegalArgumentException("tokenDelayMs must be >= 0, was " + tokenDelayMs);
        }
        this.tokenDelayMs = tokenDelayMs;
        CharArraySet stop = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
        stop.addAll(QUESTION_WORDS);
        this.analyzer = new EnglishAnalyzer(stop);
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
        List<String> question = distinct(terms(request.question()));
        List<String> earlier = earlierUserTerms(request.history(), question);
        PassageSplitter splitter = new PassageSplitter(this::terms);
        List<Candidate> candidates = new ArrayList<>();
        List<Set<String>> context = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            Set<String> titleTerms = Set.copyOf(terms(p.title()));
            Set<String> passageTerms = new HashSet<>(titleTerms);
            for (Candidate c : splitter.split(i, p.text())) {
                passageTerms.addAll(c.terms());
                if (!repeatsTitle(c, titleTerms)) {
                    candidates.add(c);
                }
            }
            context.add(passageTerms);
        }
        Map<String, Integer> df = new HashMap<>();
        for (Candidate c : candidates) {
            c.terms().forEach(t -> df.merge(t, 1, Integer::sum));
        }
        double n = candidates.size();
        java.util.function.ToDoubleFunction<String> idf = t -> Math.log(1 + n / Math.max(1, df.getOrDefault(t, 0)));

        List<Scored> scored = new ArrayList<>();
        for (Candidate c : candidates) {
            Set<String> around = context.get(c.passage());
            double own = 0, ctx = 0;
            for (String t : question) {
                if (c.terms().contains(t)) {
                    own += idf.applyAsDouble(t);
                } else if (around.contains(t)) {
                    ctx += 0.5 * idf.applyAsDouble(t);
                }
            }
            if (own == 0) {
                continue; // must itself contain a question term
            }
            for (String t : earlier) {
                if (c.terms().contains(t)) {
                    ctx += 0.25 * idf.applyAsDouble(t);
                } else if (around.contains(t)) {
                    ctx += 0.125 * idf.applyAsDouble(t);
                }
            }
            scored.add(new Scored(c, own + ctx));
        }
        if (scored.isEmpty()) {
            return NO_ANSWER;
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparingInt(s -> s.candidate().passage())
                .thenComparingInt(s -> s.candidate().position()));
        return AnswerWriter.write(select(scored, question), passages, MAX_WORDS);
    }

    /** A record line whose value only repeats the title (e.g. {@code Name: Hasty Pants}) adds nothing. */
    private boolean repeatsTitle(Candidate c, Set<String> titleTerms) {
        if (!c.record() || titleTerms.isEmpty()) {
            return false;
        }
        List<String> value = terms(c.text().substring(c.text().indexOf(':') + 1));
        return !value.isEmpty() && titleTerms.containsAll(value);
    }

    private static List<Candidate> select(List<Scored> ranked, List<String> question) {
        Scored best = ranked.getFirst();
        List<Candidate> chosen = new ArrayList<>(List.of(best.candidate()));
        Set<String> covered = new HashSet<>(best.candidate().terms());
        Set<String> seen = new HashSet<>(Set.of(best.candidate().text()));
        int words = best.candidate().words();
        for (Scored s : ranked.subList(1, ranked.size())) {
            Candidate c = s.candidate();
            if (chosen.size() >= MAX_SENTENCES || s.score() < 0.5 * best.score()) {
                break;
            }
            boolean addsTerms = question.stream().anyMatch(t -> c.terms().contains(t) && !covered.contains(t));
            if (!addsTerms || words + c.words() > MAX_WORDS || !seen.add(c.text())) {
                continue;
            }
            chosen.add(c);
            covered.addAll(c.terms());
            words += c.words();
        }
        chosen.sort(Comparator.comparingInt(Candidate::passage).thenComparingInt(Candidate::position));
        return chosen;
    }

    private List<String> earlierUserTerms(List<Message> history, List<String> question) {
        List<String> out = new ArrayList<>();
        int taken = 0;
        for (int i = history.size() - 1; i >= 0 && taken < 2; i--) {
            if (history.get(i).role() == Message.Role.USER) {
                out.addAll(terms(history.get(i).content()));
                taken++;
            }
        }
        out.removeAll(question);
        return distinct(out);
    }

    /** Analysed terms of a text, in order, with repeats. */
    List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        try (org.apache.lucene.analysis.TokenStream ts = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing text failed", e); // cannot happen for strings
        }
        return out;
    }

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
        return List.copyOf(new LinkedHashSet<>(terms));
    }

    private record Scored(Candidate candidate, double score) {}
}

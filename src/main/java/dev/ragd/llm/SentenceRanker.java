package dev.ragd.llm;

import dev.ragd.llm.Candidate.Kind;
import dev.ragd.retrieval.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses which candidates answer a question. Scoring, per candidate:
 * <ul>
 *   <li>own: IDF (over all quotable candidates) of question terms it contains; synonyms count 0.8;</li>
 *   <li>context: half (record lines) or a quarter (prose) of the IDF of question terms found only
 *       elsewhere in its passage or title;</li>
 *   <li>follow-up: a quarter (in the candidate) or an eighth (in its passage) for terms of the
 *       previous user turns.</li>
 * </ul>
 * A candidate must contain a question term itself, and the first one chosen must come from a
 * passage covering at least {@link #MIN_COVERAGE} of the question's IDF mass (so a question about a
 * product that is not in the passages is not answered with another product's line). Ties go to the higher-ranked passage,
 * then the earlier candidate. When no candidate qualifies but a passage's title covers most of the
 * question ("Tell me about the Hasty Pants"), that passage's first candidates are the answer.
 */
final class SentenceRanker {

    static final double MIN_COVERAGE = 1.0 / 3;
    static final double MIN_OVERVIEW_COVERAGE = 0.5;
    /** A record line is about its record: the product named in the title matters as much as the line. */
    static final double RECORD_CONTEXT_WEIGHT = 0.5;
    /** A prose sentence stands more on its own. */
    static final double PROSE_CONTEXT_WEIGHT = 0.25;

    private record Scored(Candidate candidate, double score, double coverage) {}

    private final List<String> question;
    private final Map<String, String> alternates;
    private final List<String> earlier;

    /**
     * @param question   distinct question terms, in order
     * @param alternates synonym term to the question term it stands in for
     * @param earlier    distinct terms of earlier user turns that are not question terms
     */
    SentenceRanker(List<String> question, Map<String, String> alternates, List<String> earlier) {
        this.question = question;
        this.alternates = alternates;
        this.earlier = earlier;
    }

    /** The chosen candidates in reading order, or an empty list when nothing answers the question. */
    List<Candidate> choose(List<Passage> passages, List<List<Candidate>> split, TermAnalyser analyser,
                           int maxSentences, int maxWords) {
        List<Set<String>> context = new ArrayList<>();
        List<Candidate> quotable = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            Set<String> title = Set.copyOf(analyser.terms(passages.get(i).title()));
            Set<String> all = new HashSet<>(title);
            for (Candidate c : split.get(i)) {
                all.addAll(c.terms());
                if (c.kind() != Kind.HEADING && !repeatsTitle(c, title, analyser) && !c.terms().isEmpty()) {
                    quotable.add(c);
                }
            }
            context.add(all);
        }
        Map<String, Integer> df = new HashMap<>();
        quotable.forEach(c -> c.terms().forEach(t -> df.merge(t, 1, Integer::sum)));
        double n = quotable.size();
        Map<String, Double> idf = new HashMap<>();
        for (String t : question) {
            idf.put(t, Math.log(1 + n / Math.max(1, df.getOrDefault(t, 0))));
        }
        for (String t : alternates.keySet()) {
            idf.put(t, Math.log(1 + n / Math.max(1, df.getOrDefault(t, 0))));
        }
        for (String t : earlier) {
            idf.put(t, Math.log(1 + n / Math.max(1, df.getOrDefault(t, 0))));
        }
        double mass = question.stream().mapToDouble(idf::get).sum();

        List<Scored> ranked = new ArrayList<>();
        for (Candidate c : quotable) {
            Set<String> around = context.get(c.passage());
            double own = 0, ctx = 0;
            double contextWeight = c.record() ? RECORD_CONTEXT_WEIGHT : PROSE_CONTEXT_WEIGHT;
            for (String t : question) {
                if (c.terms().contains(t)) {
                    own += idf.get(t);
                } else if (around.contains(t)) {
                    ctx += contextWeight * idf.get(t);
                }
            }
            for (Map.Entry<String, String> alt : alternates.entrySet()) {
                if (c.terms().contains(alt.getKey()) && !c.terms().contains(alt.getValue())) {
                    own += 0.8 * idf.get(alt.getKey());
                }
            }
            if (own == 0) {
                continue;
            }
            for (String t : earlier) {
                ctx += c.terms().contains(t) ? 0.25 * idf.get(t) : around.contains(t) ? 0.125 * idf.get(t) : 0;
            }
            ranked.add(new Scored(c, own + ctx, coverage(around, idf, mass)));
        }
        ranked.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparingInt(s -> s.candidate().passage())
                .thenComparingInt(s -> s.candidate().position()));
        Scored best = ranked.stream().filter(s -> s.coverage() >= MIN_COVERAGE).findFirst().orElse(null);
        if (best == null) {
            return overview(split, quotable, context, idf, mass, maxSentences, maxWords);
        }
        return select(best, ranked, maxSentences, maxWords);
    }

    /** Share of the question's IDF mass found among the terms (directly or through a synonym). */
    private double coverage(Set<String> terms, Map<String, Double> idf, double mass) {
        if (mass == 0) {
            return 0;
        }
        double covered = 0;
        for (String t : question) {
            boolean viaSynonym = alternates.entrySet().stream()
                    .anyMatch(a -> a.getValue().equals(t) && terms.contains(a.getKey()));
            if (terms.contains(t) || viaSynonym) {
                covered += idf.get(t);
            }
        }
        return covered / mass;
    }

    private List<Candidate> overview(List<List<Candidate>> split, List<Candidate> quotable, List<Set<String>> context,
                                     Map<String, Double> idf, double mass, int maxSentences, int maxWords) {
        int best = -1;
        double bestCoverage = MIN_OVERVIEW_COVERAGE;
        for (int i = 0; i < split.size(); i++) {
            double c = coverage(context.get(i), idf, mass);
            if (c > bestCoverage || (best < 0 && c >= bestCoverage)) {
                best = i;
                bestCoverage = c;
            }
        }
        List<Candidate> out = new ArrayList<>();
        int words = 0;
        for (Candidate c : quotable) {
            if (c.passage() == best && out.size() < maxSentences && (out.isEmpty() || words + c.words() <= maxWords)) {
                out.add(c);
                words += c.words();
            }
        }
        return out;
    }

    /** The best candidate plus up to two more that score at least half as well and add question terms. */
    private List<Candidate> select(Scored best, List<Scored> ranked, int maxSentences, int maxWords) {
        List<Candidate> chosen = new ArrayList<>(List.of(best.candidate()));
        Set<String> covered = new HashSet<>(best.candidate().terms());
        Set<String> texts = new HashSet<>(Set.of(best.candidate().text()));
        int words = best.candidate().words();
        for (Scored s : ranked) {
            Candidate c = s.candidate();
            if (s == best) {
                continue;
            }
            if (chosen.size() >= maxSentences || s.score() < 0.5 * best.score()) {
                break;
            }
            boolean addsTerms = question.stream().anyMatch(t -> c.terms().contains(t) && !covered.contains(t))
                    || alternates.keySet().stream().anyMatch(t -> c.terms().contains(t) && !covered.contains(t));
            if (!addsTerms || words + c.words() > maxWords || !texts.add(c.text())) {
                continue;
            }
            chosen.add(c);
            covered.addAll(c.terms());
            words += c.words();
        }
        chosen.sort(Comparator.comparingInt(Candidate::passage).thenComparingInt(Candidate::position));
        return chosen;
    }

    /** A record line whose value only repeats the title (e.g. {@code Name: Hasty Pants}) adds nothing. */
    private static boolean repeatsTitle(Candidate c, Set<String> title, TermAnalyser analyser) {
        if (!c.record() || title.isEmpty()) {
            return false;
        }
        List<String> value = analyser.terms(c.text().substring(c.text().indexOf(':') + 1));
        return !value.isEmpty() && title.containsAll(value);
    }
}

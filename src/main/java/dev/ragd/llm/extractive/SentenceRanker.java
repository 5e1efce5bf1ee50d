package dev.ragd.llm.extractive;

import dev.ragd.llm.extractive.Candidate.Kind;
import dev.ragd.retrieval.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses which candidates answer a question.
 *
 * <p>Each question term weighs the IDF (over all quotable candidates) of the term or any of its
 * synonyms; a synonym match counts {@link TermWeights#SYNONYM_WEIGHT}. A candidate scores, per question term:
 * <ul>
 *   <li>if it contains the term: its weight, plus {@link #SECTION_BONUS} of it when its section
 *       heading contains the term too;</li>
 *   <li>otherwise: half the weight when its section heading contains the term, else half (record
 *       lines, whose record is named by the title) or a quarter (prose) when the term is elsewhere in
 *       its passage or title;</li>
 *   <li>a quarter or an eighth of the weight for terms of the previous user turns, found in the
 *       candidate or its passage.</li>
 * </ul>
 * The first sentence under a heading that covers {@link #FAQ_COVERAGE} of the question and two of its
 * terms ("How do I reset my password?") counts as containing the heading's terms: FAQ answers follow
 * their question.
 *
 * <p>A candidate must match a question term itself, and the first one chosen must come from a
 * passage covering at least {@link #MIN_COVERAGE} of the question's weight (so a question about a
 * product that is not in the passages is not answered with another product's line); a follow-up
 * question must be answered from a passage holding {@link #MIN_EARLIER_COVERAGE} of the earlier
 * turns' weight (their subject, not just a shared attribute word). Ties go to the higher-ranked
 * passage, then the earlier candidate. A record line of the best candidate's passage whose key names
 * the asked attribute (and scores at least half as well) takes its place and leads the answer.
 * Another candidate joins only when it scores at least half as well and adds a question term that
 * the chosen ones, their titles and section headings do not cover, or scores close to the best in
 * its section (for an attribute answer: is another asked attribute line of the record); the best's
 * neighbouring sentences compete with {@link #NEIGHBOUR_SHARE} of its score added. When no candidate
 * qualifies but a passage's title covers most of the question ("Tell me about the Hasty Pants"),
 * that passage's first candidates are the answer.
 *
 * <p>One instance serves one request.
 */
final class SentenceRanker {

    static final double MIN_COVERAGE = 0.4;
    static final double MIN_OVERVIEW_COVERAGE = 0.5;
    /** Share of the earlier turns' weight a passage must hold to answer a follow-up question. */
    static final double MIN_EARLIER_COVERAGE = 0.5;
    /** A record line is about its record: the product named in the title matters as much as the line. */
    static final double RECORD_CONTEXT_WEIGHT = 0.5;
    /** A prose sentence stands more on its own... */
    static final double PROSE_CONTEXT_WEIGHT = 0.25;
    /** ...but its section heading says what it is about. */
    static final double SECTION_CONTEXT_WEIGHT = 0.5;
    static final double SECTION_BONUS = 0.25;
    static final double FAQ_COVERAGE = 2.0 / 3;
    /** Share of the best score another candidate needs to join. */
    static final double JOIN_SHARE = 0.5;
    /** Share of the best score at which a candidate of the same section joins without new terms. */
    static final double CLOSE_SHARE = 0.8;

    /** Share of the best score added to its neighbours when they compete to join it. */
    static final double NEIGHBOUR_SHARE = 0.25;

    private record Scored(Candidate candidate, double score, double coverage) {}

    private final List<String> question;
    private final Map<String, String> alternates;
    private final List<String> earlier;
    private final boolean followUp;
    /** Set by {@link #choose}: an instance serves one request. */
    private TermWeights w;

    /**
     * @param question   distinct question terms, in order
     * @param alternates synonym term to the question term it stands in for
     * @param earlier    distinct terms of earlier user turns that are not question terms
     * @param followUp   whether the question refers back to an earlier turn ("And how much is it?"):
     *                   then only passages about the earlier turns' subject may answer it
     */
    SentenceRanker(List<String> question, Map<String, String> alternates, List<String> earlier, boolean followUp) {
        this.question = question;
        this.alternates = alternates;
        this.earlier = earlier;
        this.followUp = followUp && !earlier.isEmpty();
    }

    /** The chosen candidates, best passage first, or an empty list when nothing answers the question. */
    List<Candidate> choose(List<Passage> passages, List<List<Candidate>> split, TermAnalyser analyser,
                           int maxSentences, int maxWords) {
        List<Set<String>> titles = new ArrayList<>();
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
            titles.add(title);
            context.add(all);
        }
        w = new TermWeights(question, alternates, earlier, quotable);

        List<Scored> ranked = new ArrayList<>();
        for (Candidate c : quotable) {
            double score = score(c, context.get(c.passage()));
            boolean onEarlierSubject = !followUp || w.earlierCoverage(context.get(c.passage())) >= MIN_EARLIER_COVERAGE;
            if (score > 0 && onEarlierSubject) {
                ranked.add(new Scored(c, score, w.coverage(context.get(c.passage()))));
            }
        }
        ranked.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparingInt(s -> s.candidate().passage())
                .thenComparingInt(s -> s.candidate().position()));
        Scored best = ranked.stream().filter(s -> s.coverage() >= MIN_COVERAGE).findFirst().orElse(null);
        if (best == null) {
            return followUp ? List.of() : overview(split, quotable, context, maxSentences, maxWords);
        }
        Scored top = best;
        Scored attributeLine = ranked.stream()
                .filter(s -> s.candidate().passage() == top.candidate().passage() && s.score() >= JOIN_SHARE * top.score()
                        && namesAskedAttribute(s.candidate(), analyser))
                .findFirst().orElse(top);
        return new Selection(attributeLine, titles, analyser, maxSentences, maxWords).select(ranked);
    }

    private double score(Candidate c, Set<String> around) {
        boolean faqLead = c.lead() && w.coverage(c.section()) >= FAQ_COVERAGE
                && w.matched(c.section()) >= Math.min(2, question.size());
        double own = 0;
        double ctx = 0;
        double contextWeight = c.record() ? RECORD_CONTEXT_WEIGHT : PROSE_CONTEXT_WEIGHT;
        for (String t : question) {
            double weight = w.weight(t);
            double head = w.match(t, c.section());
            double in = faqLead ? Math.max(w.match(t, c.terms()), head) : w.match(t, c.terms());
            if (in > 0) {
                own += weight * (in + SECTION_BONUS * head);
            } else {
                ctx += weight * Math.max(SECTION_CONTEXT_WEIGHT * head, contextWeight * w.match(t, around));
            }
        }
        if (own == 0) {
            return 0;
        }
        for (String t : earlier) {
            ctx += c.terms().contains(t) ? 0.25 * w.weight(t) : around.contains(t) ? 0.125 * w.weight(t) : 0;
        }
        return own + ctx;
    }

    private List<Candidate> overview(List<List<Candidate>> split, List<Candidate> quotable, List<Set<String>> context,
                                     int maxSentences, int maxWords) {
        int best = -1;
        double bestCoverage = MIN_OVERVIEW_COVERAGE;
        for (int i = 0; i < split.size(); i++) {
            double c = w.coverage(context.get(i));
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

    /** Growing the answer from the best candidate. */
    private final class Selection {
        private final Candidate best;
        private final double bestScore;
        private final List<Set<String>> titles;
        private final TermAnalyser analyser;
        private final int maxSentences;
        private final int maxWords;
        private final boolean attribute;
        private final List<Candidate> chosen = new ArrayList<>();
        private final Set<String> covered = new HashSet<>();
        private final Set<String> texts = new HashSet<>();
        private int words;

        Selection(Scored best, List<Set<String>> titles, TermAnalyser analyser, int maxSentences, int maxWords) {
            this.best = best.candidate();
            this.bestScore = best.score();
            this.titles = titles;
            this.analyser = analyser;
            this.maxSentences = maxSentences;
            this.maxWords = maxWords;
            this.attribute = namesAskedAttribute(this.best);
            take(this.best);
        }

        List<Candidate> select(List<Scored> ranked) {
            List<Scored> others = new ArrayList<>(ranked);
            others.sort(Comparator.comparingDouble(this::joinScore).reversed()
                    .thenComparingInt(s -> s.candidate().passage())
                    .thenComparingInt(s -> s.candidate().position()));
            for (Scored s : others) {
                Candidate c = s.candidate();
                if (c == best) {
                    continue;
                }
                if (chosen.size() >= maxSentences || joinScore(s) < JOIN_SHARE * bestScore) {
                    break;
                }
                if (words + c.words() > maxWords || texts.contains(c.text())) {
                    continue;
                }
                boolean adds = question.stream().anyMatch(t -> !covered.contains(t) && w.match(t, c.terms()) > 0);
                boolean close = s.score() >= CLOSE_SHARE * bestScore && c.passage() == best.passage()
                        && (attribute ? c.record() && namesAskedAttribute(c) : c.section().equals(best.section()));
                if (adds || close) {
                    take(c);
                }
            }
            boolean recordsFirst = attribute;
            chosen.sort(Comparator.comparingInt((Candidate c) -> c.passage() == best.passage() ? -1 : c.passage())
                    .thenComparingInt(c -> recordsFirst && !c.record() ? 1 : 0)
                    .thenComparingInt(Candidate::position));
            return chosen;
        }

        /** A candidate's score for joining: a neighbour of the best carries on its subject ("It costs..."). */
        private double joinScore(Scored s) {
            Candidate c = s.candidate();
            boolean neighbour = c.passage() == best.passage() && Math.abs(c.position() - best.position()) == 1;
            return s.score() + (neighbour ? NEIGHBOUR_SHARE * bestScore : 0);
        }

        private void take(Candidate c) {
            chosen.add(c);
            texts.add(c.text());
            words += c.words();
            Set<String> around = new HashSet<>(c.terms());
            around.addAll(c.section());
            around.addAll(titles.get(c.passage()));
            question.stream().filter(t -> w.match(t, around) > 0).forEach(covered::add);
        }

        private boolean namesAskedAttribute(Candidate c) {
            return SentenceRanker.this.namesAskedAttribute(c, analyser);
        }
    }

    /** A record line whose key is an asked attribute ({@code Warranty} for "what warranty..."). */
    private boolean namesAskedAttribute(Candidate c, TermAnalyser analyser) {
        if (!c.record()) {
            return false;
        }
        Set<String> key = Set.copyOf(analyser.terms(c.key()));
        return w.matched(key) > 0;
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

package dev.ragd.llm.extractive;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much each question term (and each term of the earlier user turns) weighs among a request's
 * candidates: the IDF of the term or any of its synonyms, so rare terms matter more; a term absent
 * from every candidate weighs as if half a candidate held it. Also says how well a set of terms
 * matches them. Immutable.
 */
final class TermWeights {

    /** How much a synonym match counts compared with the term itself. */
    static final double SYNONYM_WEIGHT = 0.8;

    private final List<String> question;
    private final List<String> earlier;
    private final Map<String, List<String>> synonymsOf = new HashMap<>();
    private final Map<String, Double> weight = new HashMap<>();
    private final double mass;

    /**
     * @param question   distinct question terms
     * @param alternates synonym term to the question term it stands in for
     * @param earlier    distinct terms of earlier user turns that are not question terms
     * @param quotable   the candidates that may be quoted (the IDF population)
     */
    TermWeights(List<String> question, Map<String, String> alternates, List<String> earlier, List<Candidate> quotable) {
        this.question = List.copyOf(question);
        this.earlier = List.copyOf(earlier);
        alternates.forEach((alt, t) -> synonymsOf.computeIfAbsent(t, k -> new ArrayList<>()).add(alt));
        double n = quotable.size();
        List<String> all = new ArrayList<>(question);
        all.addAll(earlier);
        for (String t : all) {
            List<String> forms = new ArrayList<>(synonymsOf.getOrDefault(t, List.of()));
            forms.add(t);
            long df = quotable.stream().filter(c -> forms.stream().anyMatch(c.terms()::contains)).count();
            weight.put(t, Math.log(1 + n / (df == 0 ? 0.5 : df)));
        }
        mass = question.stream().mapToDouble(weight::get).sum();
    }

    List<String> question() {
        return question;
    }

    List<String> earlier() {
        return earlier;
    }

    double weight(String term) {
        return weight.get(term);
    }

    /** 1 when the terms hold question term {@code t}, {@link #SYNONYM_WEIGHT} when they hold a synonym, else 0. */
    double match(String t, Set<String> terms) {
        if (terms.contains(t)) {
            return 1;
        }
        return synonymsOf.getOrDefault(t, List.of()).stream().anyMatch(terms::contains) ? SYNONYM_WEIGHT : 0;
    }

    /** How many question terms the terms match, directly or through a synonym. */
    long matched(Set<String> terms) {
        return question.stream().filter(t -> match(t, terms) > 0).count();
    }

    /** Share of the question's weight found among the terms (directly or through a synonym). */
    double coverage(Set<String> terms) {
        if (mass == 0) {
            return 0;
        }
        return question.stream().filter(t -> match(t, terms) > 0).mapToDouble(weight::get).sum() / mass;
    }

    /** Share of the earlier turns' weight found among the terms. */
    double earlierCoverage(Set<String> terms) {
        double all = earlier.stream().mapToDouble(weight::get).sum();
        return all == 0 ? 0 : earlier.stream().filter(terms::contains).mapToDouble(weight::get).sum() / all;
    }
}

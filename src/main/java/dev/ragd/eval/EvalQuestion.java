package dev.ragd.eval;

import dev.ragd.llm.Message;
import java.util.List;
import java.util.Objects;

/**
 * One line of a question set.
 *
 * @param id            unique within the set; results and baselines are matched by it
 * @param kind          a free label used to group results (e.g. {@code attribute}, {@code follow-up})
 * @param question      what is asked
 * @param history       earlier turns, oldest first, sent before the question
 * @param expectedDocs  ids of the documents that hold the answer (empty: none named)
 * @param expectedFacts what a correct answer contains (empty: none named)
 * @param shouldRefuse  true when the documents cannot answer it, so the right answer is a refusal
 */
public record EvalQuestion(String id, String kind, String question, List<Message> history, List<String> expectedDocs,
        List<Fact> expectedFacts, boolean shouldRefuse) {

    public EvalQuestion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        kind = kind == null ? "" : kind;
        history = List.copyOf(history);
        expectedDocs = List.copyOf(expectedDocs);
        expectedFacts = List.copyOf(expectedFacts);
    }

    /** True when the question names documents and should be answered (retrieval and citations are scored). */
    public boolean scoresDocuments() {
        return !shouldRefuse && !expectedDocs.isEmpty();
    }
}

package dev.ragd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.ingest.SampleCorpus;
import dev.ragd.ingest.SourceDocument;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The question set shipped for the sample corpus: big enough, of every kind, and true to the corpus. */
class SampleQuestionSetTest {

    static List<EvalQuestion> sampleSet() throws Exception {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                SampleQuestionSetTest.class.getResourceAsStream("/eval/sample-questions.jsonl"), StandardCharsets.UTF_8))) {
            return EvalQuestions.read(in, "sample-questions.jsonl");
        }
    }

    @Test
    void holdsAtLeastAHundredQuestionsOfEveryKind() throws Exception {
        List<EvalQuestion> set = sampleSet();
        assertThat(set).hasSizeGreaterThanOrEqualTo(100);
        assertThat(set).extracting(EvalQuestion::kind).contains("attribute", "paraphrase", "help", "follow-up", "refusal");
        assertThat(set).filteredOn(q -> q.kind().equals("follow-up")).hasSizeGreaterThanOrEqualTo(10)
                .allSatisfy(q -> assertThat(q.history()).isNotEmpty());
        assertThat(set).filteredOn(EvalQuestion::shouldRefuse).hasSizeGreaterThanOrEqualTo(10);
        assertThat(set).anySatisfy(q -> assertThat(q.question()).isEqualTo("And how much is it?"));
    }

    @Test
    void everyExpectedDocumentExistsAndHoldsEveryPlainFact() throws Exception {
        Map<String, SourceDocument> docs = new HashMap<>();
        SampleCorpus.load(d -> docs.put(d.id(), d));
        for (EvalQuestion q : sampleSet()) {
            for (String doc : q.expectedDocs()) {
                assertThat(docs).as(q.id()).containsKey(doc);
            }
            String text = String.join("\n", q.expectedDocs().stream().map(d -> docs.get(d).text() + "\n" + docs.get(d).title())
                    .toList());
            for (Fact f : q.expectedFacts()) {
                assertThat(f.foundIn(text)).as(q.id() + " fact " + f.shown() + " in its expected documents").isTrue();
            }
        }
    }
}

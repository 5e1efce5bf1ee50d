package dev.ragd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.llm.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalQuestionsTest {

    static List<EvalQuestion> read(String text) throws IOException {
        return EvalQuestions.read(new BufferedReader(new StringReader(text)), "set.jsonl");
    }

    @Test
    void readsEveryKeyOfALine() throws IOException {
        List<EvalQuestion> qs = read("""
                {"id":"f1","kind":"follow-up","question":"And how much is it?","history":[{"role":"user","content":"Tell me about the Aurora Kettle."},{"role":"Assistant","content":"A kettle."}],"expected_docs":["K-101"],"expected_facts":["49.00",{"regex":"\\\\b49\\\\b"}],"notes":"why"}

                {"question":"What is the capital of Australia?","should_refuse":true}
                """);
        assertThat(qs).hasSize(2);
        EvalQuestion f = qs.get(0);
        assertThat(f.id()).isEqualTo("f1");
        assertThat(f.history()).containsExactly(Message.user("Tell me about the Aurora Kettle."), Message.assistant("A kettle."));
        assertThat(f.expectedDocs()).containsExactly("K-101");
        assertThat(f.expectedFacts()).extracting(Fact::isRegex).containsExactly(false, true);
        assertThat(f.expectedFacts().get(1).foundIn("It costs 49 dollars")).isTrue();
        assertThat(f.expectedFacts().get(0).foundIn("It costs 49 dollars")).isFalse();
        assertThat(f.scoresDocuments()).isTrue();
        EvalQuestion r = qs.get(1);
        assertThat(r.id()).as("an id from the line number when none is given").isEqualTo("line-3");
        assertThat(r.shouldRefuse()).isTrue();
        assertThat(r.scoresDocuments()).isFalse();
    }

    @Test
    void aPlainFactMatchesIgnoringCase() {
        assertThat(Fact.plain("Matte Black").foundIn("It comes in matte black [1].")).isTrue();
        assertThat(Fact.regex("hand[- ]?wash").foundIn("HAND WASH only")).isTrue();
    }

    @Test
    void refusesAnUnknownKeyNamingLineAndKey() {
        assertThatThrownBy(() -> read("{\"question\":\"q?\"}\n{\"question\":\"q?\",\"expected_doc\":[\"a\"]}"))
                .hasMessageContaining("set.jsonl line 2").hasMessageContaining("unknown key 'expected_doc'")
                .hasMessageContaining("expected_docs");
    }

    @Test
    void refusesALineThatIsNotJson() {
        assertThatThrownBy(() -> read("{\"question\": ")).hasMessageContaining("set.jsonl line 1: not JSON");
        assertThatThrownBy(() -> read("[1,2]")).hasMessageContaining("line 1: must be a JSON object");
    }

    @Test
    void refusesAQuestionThatIsMissingOrBlankOrNotAString() {
        assertThatThrownBy(() -> read("{\"id\":\"a\"}")).hasMessageContaining("'question' is required");
        assertThatThrownBy(() -> read("{\"question\":\"  \"}")).hasMessageContaining("'question' is required");
        assertThatThrownBy(() -> read("{\"question\":7}")).hasMessageContaining("'question' must be a string");
    }

    @Test
    void refusesARegexThatDoesNotCompileOrAFactOfTheWrongShape() {
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"expected_facts\":[{\"regex\":\"(unclosed\"}]}"))
                .hasMessageContaining("expected_facts[0]").hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"expected_facts\":[\"a\",3]}"))
                .hasMessageContaining("expected_facts[1] must be a non-empty string or {\"regex\"");
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"expected_facts\":[{\"regex\":\"a\",\"flags\":\"i\"}]}"))
                .hasMessageContaining("expected_facts[0]");
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"expected_docs\":\"K-1\"}"))
                .hasMessageContaining("'expected_docs' must be a list of strings");
    }

    @Test
    void refusesASecondObjectOnALineAndAKeyGivenTwice() {
        assertThatThrownBy(() -> read("{\"question\":\"a?\"}{\"question\":\"b?\"}")).hasMessageContaining("line 1: not JSON");
        assertThatThrownBy(() -> read("{\"question\":\"a?\",\"question\":\"b?\"}")).hasMessageContaining("line 1: not JSON")
                .hasMessageContaining("question");
    }

    @Test
    void refusesBytesThatAreNotUtf8NamingTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path file = dir.resolve("set.jsonl");
        byte[] good = "{\"question\":\"a?\"}\n{\"question\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        java.nio.file.Files.write(file, concat(good, bad));
        try (BufferedReader in = java.nio.file.Files.newBufferedReader(file)) {
            assertThatThrownBy(() -> EvalQuestions.read(in, "set.jsonl")).hasMessageStartingWith("set.jsonl: not valid UTF-8 text (at or after line");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void refusesADuplicateId() {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"question\":\"q?\"}\n{\"id\":\"a\",\"question\":\"r?\"}"))
                .hasMessageContaining("line 2: id 'a' is used by an earlier line");
    }

    @Test
    void refusesAQuestionToRefuseThatExpectsAnAnswer() {
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"should_refuse\":true,\"expected_docs\":[\"a\"]}"))
                .hasMessageContaining("should be refused names no expected_docs");
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"should_refuse\":\"yes\"}"))
                .hasMessageContaining("'should_refuse' must be true or false");
    }

    @Test
    void refusesAHistoryMessageWithAnotherRole() {
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"history\":[{\"role\":\"system\",\"content\":\"obey\"}]}"))
                .hasMessageContaining("history[0].role must be user or assistant");
        assertThatThrownBy(() -> read("{\"question\":\"q?\",\"history\":[{\"role\":\"user\"}]}"))
                .hasMessageContaining("history[0].content must be a string");
    }

    @Test
    void refusesAnEmptySetAndAnOverlongLine() {
        assertThatThrownBy(() -> read("\n\n")).hasMessageContaining("set.jsonl: no questions");
        String huge = "{\"question\":\"" + "a".repeat(EvalQuestions.MAX_LINE_CHARS) + "\"}";
        assertThatThrownBy(() -> read(huge)).hasMessageContaining("longer than");
    }
}

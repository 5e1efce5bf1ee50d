package dev.ragd.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static String sentences(int n) {
        return IntStream.range(0, n).mapToObj(i -> "Sentence number " + i + " talks about item " + i + ".")
                .collect(Collectors.joining(" "));
    }

    @Test
    void keepsAShortTextAsOneChunk() {
        assertThat(new Chunker(1000, 150).split("  A short help page.  ")).containsExactly("A short help page.");
    }

    @Test
    void returnsNoChunksForBlankText() {
        assertThat(new Chunker(1000, 150).split(" \n ")).isEmpty();
    }

    @Test
    void splitsLongTextIntoChunksNoLongerThanTheLimit() {
        List<String> chunks = new Chunker(200, 40).split(sentences(60));
        assertThat(chunks).hasSizeGreaterThan(5);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(200));
    }

    @Test
    void startsEachChunkWithTheEndOfThePreviousOneAtASentenceStart() {
        List<String> chunks = new Chunker(200, 60).split(sentences(30));
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1);
            String current = chunks.get(i);
            String firstSentence = current.substring(0, current.indexOf('.') + 1);
            assertThat(firstSentence).startsWith("Sentence number");
            assertThat(previous).as("chunk %d overlaps chunk %d", i, i - 1).endsWith(firstSentence);
            assertThat(firstSentence.length()).isLessThanOrEqualTo(60);
        }
    }

    @Test
    void coversEveryPartOfTheText() {
        String text = sentences(40);
        String joined = String.join(" ", new Chunker(150, 30).split(text));
        for (int i = 0; i < 40; i++) {
            assertThat(joined).contains("Sentence number " + i + " talks about item " + i + ".");
        }
    }

    @Test
    void prefersParagraphBoundaries() {
        String a = "First paragraph about kettles. ".repeat(3).strip();
        String b = "Second paragraph about lamps. ".repeat(3).strip();
        List<String> chunks = new Chunker(120, 0).split(a + "\n\n" + b);
        assertThat(chunks).containsExactly(a, b);
    }

    @Test
    void cutsAWordLongerThanAChunk() {
        List<String> chunks = new Chunker(20, 0).split("x".repeat(50));
        assertThat(chunks).containsExactly("x".repeat(20), "x".repeat(20), "x".repeat(10));
    }

    @Test
    void rejectsAnOverlapNotSmallerThanTheSize() {
        assertThatThrownBy(() -> new Chunker(100, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlap");
    }
}

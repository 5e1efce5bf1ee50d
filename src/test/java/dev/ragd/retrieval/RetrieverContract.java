package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every {@link Retriever} must have. A backend's test extends this class and builds
 * a retriever over {@link #DOCS}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RetrieverContract {

    /** A known document for the contract. */
    public record Doc(String id, String title, String text) {}

    protected static final List<Doc> DOCS = List.of(
            new Doc("kettle", "Zephyr Thermos Kettle", "The Zephyr thermos kettle keeps water hot for twelve hours."
                    + " Warranty: 3 years. Colour: teal."),
            new Doc("lamp", "Nimbus Desk Lamp", "A desk lamp with a dimmer and a warm white LED."
                    + " Warranty: 2 years. Colour: white."),
            new Doc("chair", "Basalt Office Chair", "An ergonomic chair with lumbar support and mesh back."
                    + " Warranty: 10 years. Colour: black."),
            new Doc("returns", "Returns policy", "You can return unused items within 30 days for a full refund."),
            new Doc("shipping", "Shipping", "Standard shipping takes three to five working days and costs 4.95 USD."),
            new Doc("umbrella", "Quokka Umbrella", "A pocket umbrella that opens with one button. Warranty: 1 year."));

    /** A folder for this class's indexes, deleted after the class. */
    protected Path tempDir;

    private Retriever retriever;

    /** Builds the retriever under test over {@code docs}, storing what it needs in {@code dir}. */
    protected abstract Retriever createRetriever(List<Doc> docs, Path dir) throws Exception;

    @BeforeAll
    void setUp() throws Exception {
        tempDir = Files.createTempDirectory("ragd-contract");
        retriever = createRetriever(DOCS, tempDir);
    }

    @AfterAll
    void tearDown() throws IOException {
        if (retriever != null) {
            retriever.close();
        }
        try (Stream<Path> walk = Files.walk(tempDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void returnsAtMostTopK() {
        assertThat(retriever.retrieve("warranty", 2)).hasSizeLessThanOrEqualTo(2);
        assertThat(retriever.retrieve("warranty colour kettle lamp chair", 4)).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void returnsBestFirst() {
        List<Passage> hits = retriever.retrieve("how long is the warranty of the office chair", 5);
        assertThat(hits).isNotEmpty();
        assertThat(hits).extracting(Passage::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void returnsDistinctChunkIds() {
        List<Passage> hits = retriever.retrieve("warranty colour", 6);
        assertThat(hits).extracting(Passage::chunkId).doesNotHaveDuplicates();
    }

    @Test
    void findsAnExactKeywordMatchFirst() {
        List<Passage> hits = retriever.retrieve("Zephyr thermos kettle", 3);
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).docId()).isEqualTo("kettle");
        assertThat(hits.get(0).title()).isEqualTo("Zephyr Thermos Kettle");
        assertThat(hits.get(0).text()).contains("twelve hours");
    }

    @Test
    void returnsNothingForABlankQuery() {
        assertThat(retriever.retrieve("", 3)).isEmpty();
        assertThat(retriever.retrieve("   \n\t", 3)).isEmpty();
    }

    @Test
    void acceptsAVeryLongQuestion() {
        StringBuilder q = new StringBuilder("warranty of the Zephyr thermos kettle");
        for (int i = 0; q.length() < 3900; i++) {
            q.append(" word").append(i);
        }
        assertThatCode(() -> retriever.retrieve(q.toString(), 3)).doesNotThrowAnyException();
    }

    @Test
    void acceptsQuestionsWithQuerySyntaxCharacters() {
        for (String q : List.of("what's the \"warranty\"? of: the lamp", "AND OR NOT", "lamp* ~2 ^3 [a TO b] {x}",
                "\\ / ( ) ! - + && ||", "?", "\"")) {
            assertThatCode(() -> retriever.retrieve(q, 3)).as(q).doesNotThrowAnyException();
        }
    }
}

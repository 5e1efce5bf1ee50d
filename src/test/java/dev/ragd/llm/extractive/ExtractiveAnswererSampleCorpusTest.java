package dev.ragd.llm.extractive;

import dev.ragd.llm.GenerationRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.RagdConfig;
import dev.ragd.ingest.SampleCorpusBootstrap;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retrieval;
import dev.ragd.retrieval.LuceneStack;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The extractive answerer over the real bundled sample corpus, retrieved by the real hybrid
 * retriever (top 3), as the server would run it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtractiveAnswererSampleCorpusTest {

    private static final Pattern CITATION = Pattern.compile("\\[(\\d+)]");

    private Vertx vertx;
    private LuceneStack retrieval;
    private ExtractiveAnswerer answerer;

    @BeforeAll
    void openRetrievalOverTheSampleCorpus(@TempDir Path dataDir) {
        vertx = Vertx.vertx();
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        retrieval = Retrieval.open(config);
        SampleCorpusBootstrap.seedIfNew(retrieval, config);
        answerer = new ExtractiveAnswerer(vertx, 0);
    }

    @AfterAll
    void close() {
        retrieval.close();
        vertx.close().await();
    }

    /**
     * question; a fact the answer must contain; the document (docId) of the passage holding it,
     * which the answer must cite; facts the answer must not contain.
     */
    static Stream<Arguments> answerableQuestions() {
        return Stream.of(
                Arguments.of("What is the warranty of the Cinder Kettle?", "Warranty: 5 years", "K-103",
                        List.of("stovetop kettle cast")),
                Arguments.of("How much does the Aurora Kettle cost?", "49.00", "K-101",
                        List.of("gooseneck")),
                Arguments.of("What is the warranty of the Boreal Kettle?", "Warranty: 1 year", "K-102",
                        List.of("5 years", "2 years")),
                Arguments.of("What colour is the Nomad Backpack?", "Tan", "B-105", List.of()),
                Arguments.of("How heavy is the Atlas Chair?", "18.0", "C-101", List.of()),
                Arguments.of("What is the Halo Lamp made of?", "Brass", "L-103", List.of()),
                Arguments.of("Which kettle is made of glass?", "Fjord Kettle — Material: Borosilicate glass", "K-106",
                        List.of("recycled steel")),
                Arguments.of("How many days do I have to return an item?", "within 30 days of delivery",
                        "returns-policy.md", List.of("**")),
                Arguments.of("How long do refunds take?", "5 business days", "returns-policy.md", List.of("**")),
                Arguments.of("Which countries do you ship to?", "Canada, Mexico, the United Kingdom",
                        "shipping.md", List.of()),
                Arguments.of("How much does express shipping cost?", "14.95 USD", "shipping.md", List.of()),
                Arguments.of("What is the return policy?", "accepts returns of unused items within 30 days",
                        "returns-policy.md", List.of()),
                Arguments.of("How do I look after a cast-iron kettle?", "dried on a low flame",
                        "care-instructions.md", List.of("Here is how")),
                Arguments.of("What does Products Care Plus cost?", "10 percent of the item price",
                        "warranty-claims.md", List.of("voucher")),
                Arguments.of("Can I change my delivery address?", "up to one hour after placing it", "shipping.md",
                        List.of()),
                Arguments.of("How do I polish a brass lamp?", "lemon juice", "care-instructions.md", List.of()),
                Arguments.of("Can I order without an account?", "Yes. Guest checkout asks only for an email address", "account-faq.md", List.of()),
                Arguments.of("How do I contact customer support?", "help@products-inc.example", "account-faq.md", List.of()),
                Arguments.of("How much is standard delivery?", "4.95 USD", "shipping.md", List.of()),
                Arguments.of("What does the warranty cover?", "defects in materials", "warranty-claims.md", List.of()),
                Arguments.of("How much does the Echo Headphones weigh?", "0.25", "H-101", List.of()),
                Arguments.of("How big is the Golf Umbrella?", "Golf Umbrella — Size: 150 cm canopy", "U-104",
                        List.of("oversized")),
                Arguments.of("What is the price of the Summit Backpack?", "189.00", "B-103", List.of()),
                Arguments.of("Can I return earbuds?", "seal on the ear tips", "returns-policy.md", List.of()),
                Arguments.of("How long is the reset link valid?", "30 minutes", "account-faq.md", List.of()),
                Arguments.of("How should I clean the ear cushions of my headphones?", "damp cloth",
                        "care-instructions.md", List.of()),
                Arguments.of("How do I reset my password?", "Forgot password", "account-faq.md", List.of("**")),
                Arguments.of("How do I delete my account?", "Delete my account", "account-faq.md", List.of("**")),
                Arguments.of("Which payment methods do you accept?", "PayPal", "account-faq.md", List.of()),
                Arguments.of("What does the lifetime warranty mean?", "usable life of the product",
                        "warranty-claims.md", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answerableQuestions")
    void answersWithTheFactAndCitesThePassageHoldingIt(String question, String fact, String docId,
                                                        List<String> absent) {
        List<Passage> passages = retrieval.retriever().retrieve(question, 3);
        String answer = answerer.answer(new GenerationRequest(question, List.of(), passages));

        assertThat(answer).contains(fact);
        for (String noise : absent) {
            assertThat(answer).doesNotContain(noise);
        }
        assertThat(citedDocs(answer, passages)).as("documents cited by: %s", answer)
                .isNotEmpty().allMatch(docId::equals);
    }

    static Stream<Arguments> unanswerableQuestions() {
        return Stream.of(
                Arguments.of("What is the warranty of the Zephyr Toaster?"),
                Arguments.of("Who is the chief executive of Products, Inc.?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unanswerableQuestions")
    void saysTheDocumentsDoNotAnswerAndCitesNothing(String question) {
        List<Passage> passages = retrieval.retriever().retrieve(question, 3);
        String answer = answerer.answer(new GenerationRequest(question, List.of(), passages));

        assertThat(answer).isEqualTo(ExtractiveAnswerer.NO_ANSWER);
    }

    private static List<String> citedDocs(String answer, List<Passage> passages) {
        Matcher m = CITATION.matcher(answer);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(passages.get(Integer.parseInt(m.group(1)) - 1).docId());
        }
        return out;
    }
}

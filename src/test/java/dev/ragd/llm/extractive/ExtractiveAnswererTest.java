package dev.ragd.llm.extractive;

import dev.ragd.llm.Message;
import dev.ragd.llm.GenerationRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.retrieval.Passage;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {

    private Vertx vertx;
    private ExtractiveAnswerer answerer;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        answerer = new ExtractiveAnswerer(vertx, 0);
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    static Passage product(String id, String name, String category, String price, String warranty) {
        String text = "Name: " + name + "\nCategory: " + category + "\nPrice: " + price
                + "\nWarranty: " + warranty + "\nMaterial: cotton blend";
        return new Passage(id, id + "#0", name, text, null, 1.0);
    }

    static final List<Passage> CATALOGUE = List.of(
            product("p1", "Rapid Jacket", "Outerwear", "89 EUR", "3 years"),
            product("p2", "Hasty Pants", "Trousers", "49 EUR", "2 years"),
            product("p3", "Calm Pants", "Trousers", "45 EUR", "1 year"));

    static final List<Passage> HANDBOOK = List.of(
            new Passage("h1", "h1#0", "Shipping", "Orders ship within two business days. "
                    + "Express shipping costs 9 EUR and arrives the next day.", null, 2.0),
            new Passage("h2", "h2#0", "Refunds", "You can return any item within 30 days.\n"
                    + "Refunds are paid to the original payment method within 14 days of receiving the return. "
                    + "Gift cards cannot be refunded.", "https://example.com/refunds", 1.5),
            new Passage("h3", "h3#0", "Support", "Our support team answers email within one working day.",
                    null, 1.0));

    @Test
    void attributeLookUpCitesTheRecordNamedInTheQuestionAmongSimilarRecords() {
        String answer = answerer.answer(new GenerationRequest(
                "What is the warranty of the Hasty Pants?", List.of(), CATALOGUE));

        assertThat(answer).isEqualTo("Hasty Pants — Warranty: 2 years [2]");
    }

    @Test
    void followUpQuestionUsesTheEarlierTurnToPickTheRecord() {
        String answer = answerer.answer(new GenerationRequest("And the price?",
                List.of(Message.user("What is the warranty of the Hasty Pants?"),
                        Message.assistant("Hasty Pants — Warranty: 2 years [2]")),
                CATALOGUE));

        assertThat(answer).isEqualTo("Hasty Pants — Price: 49 EUR [2]");
    }

    @Test
    void followUpAboutARecordMissingFromThePassagesIsNotAnsweredWithAnotherRecord() {
        String answer = answerer.answer(new GenerationRequest("And how much does it cost?",
                List.of(Message.user("What is the warranty of the Cinder Kettle?"),
                        Message.assistant("Cinder Kettle — Warranty: 5 years [1]")),
                CATALOGUE));

        assertThat(answer).isEqualTo(ExtractiveAnswerer.NO_ANSWER);
    }

    @Test
    void newQuestionAfterEarlierTurnsIsNotTreatedAsAFollowUp() {
        String answer = answerer.answer(new GenerationRequest("What is the warranty of the Calm Pants?",
                List.of(Message.user("What is the warranty of the Cinder Kettle?"),
                        Message.assistant("Cinder Kettle — Warranty: 5 years [1]")),
                CATALOGUE));

        assertThat(answer).isEqualTo("Calm Pants — Warranty: 1 year [3]");
    }

    @Test
    void proseQuestionQuotesTheMatchingSentenceWithItsCitationBeforeTheFullStop() {
        String answer = answerer.answer(new GenerationRequest(
                "How long until refunds are paid?", List.of(), HANDBOOK));

        assertThat(answer).startsWith("Refunds are paid to the original payment method within 14 days")
                .contains("[2].")
                .doesNotContain("[1]", "[3]");
    }

    @Test
    void questionWithTwoAspectsGetsOneCitedSentenceForEachWithinTheWordLimit() {
        String answer = answerer.answer(new GenerationRequest(
                "How fast do orders ship and how quickly does support answer email?", List.of(), HANDBOOK));

        assertThat(answer).contains("ship within two business days [1].")
                .contains("answers email within one working day [3].");
        assertThat(answer.split("\\s+")).hasSizeLessThanOrEqualTo(ExtractiveAnswerer.MAX_WORDS + 6);
    }

    @Test
    void noPassagesSaysTheDocumentsHaveNothingAndCitesNothing() {
        String answer = answerer.answer(new GenerationRequest("What is the warranty?", List.of(), List.of()));

        assertThat(answer).isEqualTo(ExtractiveAnswerer.NO_PASSAGES).doesNotContain("[");
    }

    @Test
    void passagesWithoutAnyQuestionTermGiveAnHonestNoAnswerWithoutCitation() {
        String answer = answerer.answer(new GenerationRequest(
                "Who painted the Mona Lisa?", List.of(), HANDBOOK));

        assertThat(answer).isEqualTo(ExtractiveAnswerer.NO_ANSWER).doesNotContain("[");
    }

    @Test
    void sameRequestAlwaysGivesTheSameAnswer() {
        GenerationRequest request = new GenerationRequest(
                "Which trousers have a warranty and what do they cost?", List.of(), CATALOGUE);

        String first = answerer.answer(request);
        String again = answerer.answer(request);
        String otherInstance = new ExtractiveAnswerer(vertx, 5).answer(request);

        assertThat(again).isEqualTo(first);
        assertThat(otherInstance).isEqualTo(first);
    }

    @Test
    void bracketedNumbersInSourceTextCannotPoseAsCitations() {
        List<Passage> passages = List.of(new Passage("d", "d#0", "Doc",
                "The refund limit is set by clause [7] of the contract.", null, 1.0));

        String answer = answerer.answer(new GenerationRequest("What is the refund limit?", List.of(), passages));

        assertThat(answer).isEqualTo("The refund limit is set by clause (7) of the contract [1].");
    }

    @Test
    void synonymOfAnAttributeFindsTheRecordLine() {
        String answer = answerer.answer(new GenerationRequest(
                "How much does the Rapid Jacket cost?", List.of(), CATALOGUE));

        assertThat(answer).isEqualTo("Rapid Jacket — Price: 89 EUR [1]");
    }

    @Test
    void attributeOfAProductMissingFromThePassagesIsNotAnsweredWithAnotherProduct() {
        String answer = answerer.answer(new GenerationRequest(
                "What is the warranty of the Turbo Drone?", List.of(), CATALOGUE));

        assertThat(answer).isEqualTo(ExtractiveAnswerer.NO_ANSWER);
    }

    @Test
    void questionNamingOnlyARecordGetsAnOverviewOfThatRecord() {
        String answer = answerer.answer(new GenerationRequest("Tell me about the Calm Pants", List.of(), CATALOGUE));

        assertThat(answer).isEqualTo("Calm Pants — Category: Trousers; Price: 45 EUR; Warranty: 1 year [3]");
    }

    @Test
    void markdownHeadingsAndListItemsAreSeparatedFromSentencesAndHeadingsAreNotQuoted() {
        List<Passage> passages = List.of(new Passage("m", "m#0", "Returns guide",
                "## Returning an item\nPack the item in its original box.\n- Print the return label from your account.\n"
                        + "- Drop the parcel at any post office.", null, 1.0));

        String answer = answerer.answer(new GenerationRequest("How do I print the return label?", List.of(), passages));

        assertThat(answer).isEqualTo("Print the return label from your account [1].");
    }

    @Test
    void unitEndingARecordKeyIsShownInBrackets() {
        List<Passage> passages = List.of(new Passage("k", "k#0", "Aurora Kettle",
                "A gooseneck electric kettle.\n\nPrice usd: 49.00\nWeight kg: 1.2\nMade in: Portugal", null, 1.0));

        assertThat(answerer.answer(new GenerationRequest("How much does the Aurora Kettle cost?", List.of(), passages)))
                .isEqualTo("Aurora Kettle — Price (USD): 49.00 [1]");
        assertThat(AnswerWriter.readableLabel("Weight kg: 1.2")).isEqualTo("Weight (kg): 1.2");
        assertThat(AnswerWriter.readableLabel("Made in: Portugal")).isEqualTo("Made in: Portugal");
    }

    @Test
    void attributeLineLeadsAloneEvenWhenTheDescriptionMatchesTheRecordBetter() {
        List<Passage> passages = List.of(new Passage("u", "u#0", "Golf Umbrella",
                "An oversized golf umbrella that shelters two people.\n\nSize: 150 cm canopy\nWarranty: 3 years",
                null, 1.0));

        assertThat(answerer.answer(new GenerationRequest("How big is the Golf Umbrella?", List.of(), passages)))
                .isEqualTo("Golf Umbrella — Size: 150 cm canopy [1]");
    }

    @Test
    void secondSentenceThatAddsNoAskedTermIsLeftOut() {
        List<Passage> passages = List.of(
                new Passage("a", "a#0", "Fjord Kettle", "A glass electric kettle with blue lights.", null, 2.0),
                new Passage("b", "b#0", "Juniper Kettle", "A kettle made with recycled steel.", null, 1.0));

        assertThat(answerer.answer(new GenerationRequest("Which kettle is made of glass?", List.of(), passages)))
                .isEqualTo("A glass electric kettle with blue lights [1].");
    }

    @Test
    void faqAnswerIsTheFirstSentenceUnderTheMatchingQuestionHeading() {
        List<Passage> passages = List.of(new Passage("f", "f#0", "FAQ",
                "## Which payment methods do you accept?\n\nVisa, Mastercard and PayPal. We do not accept cheques.\n\n"
                        + "## Refunds\n\nRefunds go to the original payment method.", null, 1.0));

        assertThat(answerer.answer(new GenerationRequest("Which payment methods do you accept?", List.of(), passages)))
                .isEqualTo("Visa, Mastercard and PayPal [1].");
    }

    @Test
    void markdownEmphasisIsNotQuoted() {
        List<Passage> passages = List.of(new Passage("r", "r#0", "Returns",
                "We accept returns of unused items within **30 days** of [delivery](https://x.example/d).", null, 1.0));

        assertThat(answerer.answer(new GenerationRequest("How many days do I have to return an item?", List.of(), passages)))
                .isEqualTo("We accept returns of unused items within 30 days of delivery [1].");
    }

    @Test
    void reportsItselfAsTheExtractiveAnswererNotALanguageModel() {
        assertThat(answerer.model()).isEqualTo("extractive");
        assertThat(answerer.isLanguageModel()).isFalse();
    }
}

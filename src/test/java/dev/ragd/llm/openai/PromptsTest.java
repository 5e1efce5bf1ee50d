package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.llm.Message.Role;
import dev.ragd.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {

    private final Prompts prompts = Prompts.load();

    @Test
    void system_message_has_rules_and_numbered_passages_then_history_then_question() {
        GenerationRequest request = new GenerationRequest("How long is the warranty?",
                List.of(Message.user("Hi"), Message.assistant("Hello! Ask me about the manual.")),
                List.of(new Passage("d1", "d1#0", "Warranty", "The warranty lasts {{two}} years.", null, 1),
                        new Passage("d2", "d2#3", "Returns", "Returns are accepted within 30 days.", null, 0.5)));

        List<Message> messages = prompts.messages(request);

        assertThat(messages).extracting(Message::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
        String system = messages.getFirst().content();
        assertThat(system).startsWith("You are a careful assistant");
        assertThat(system).contains("[1] Title: Warranty\nThe warranty lasts {{two}} years.")
                .contains("[2] Title: Returns\nReturns are accepted within 30 days.");
        assertThat(system.indexOf("[1] Title")).isLessThan(system.indexOf("[2] Title"));
        assertThat(messages.getLast()).isEqualTo(Message.user("How long is the warranty?"));
    }

    @Test
    void rules_tell_the_model_to_cite_to_admit_missing_answers_and_to_match_the_language() {
        String system = prompts.messages(new GenerationRequest("q", List.of(), List.of())).getFirst().content();
        assertThat(system).contains("square brackets").contains("do not contain the answer")
                .contains("language of the user's question");
    }

    @Test
    void without_passages_the_model_is_told_there_is_nothing_to_answer_from() {
        List<Message> messages = prompts.messages(new GenerationRequest("q", List.of(), List.of()));
        assertThat(messages.getFirst().content()).contains("No passages were retrieved");
        assertThat(messages).hasSize(2);
    }

    @Test
    void a_passage_without_title_is_named_by_its_document_id() {
        String block = prompts.contextBlock(List.of(new Passage("faq.csv:12", "c", " ", "text", null, 1)));
        assertThat(block).contains("[1] Title: faq.csv:12\ntext");
    }
}

package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.llm.Usage;
import org.junit.jupiter.api.Test;

class ChatChunkTest {

    @Test
    void content_delta_is_read() {
        ChatChunk c = ChatChunk.parse("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}");
        assertThat(c.content()).isEqualTo("Hello");
        assertThat(c.finishReason()).isNull();
        assertThat(c.usage()).isNull();
    }

    @Test
    void role_only_and_empty_content_chunks_carry_no_token() {
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}").content()).isNull();
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":null}}]}").content()).isNull();
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{}}]}").content()).isNull();
    }

    @Test
    void last_content_and_finish_reason_in_one_chunk_are_both_read() {
        ChatChunk c = ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\" end.\"},\"finish_reason\":\"stop\"}]}");
        assertThat(c.content()).isEqualTo(" end.");
        assertThat(c.finishReason()).isEqualTo("stop");
    }

    @Test
    void usage_in_a_final_chunk_with_empty_choices_is_read() {
        ChatChunk c = ChatChunk.parse("{\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":17,\"total_tokens\":137}}");
        assertThat(c.content()).isNull();
        assertThat(c.usage()).isEqualTo(new Usage(120, 17));
    }

    @Test
    void azure_prompt_filter_chunk_with_empty_choices_is_harmless() {
        ChatChunk c = ChatChunk.parse("{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}");
        assertThat(c).isEqualTo(new ChatChunk(null, null, null, null, null));
    }

    @Test
    void error_event_is_recognised_with_its_code() {
        ChatChunk c = ChatChunk.parse("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
        assertThat(c.isError()).isTrue();
        assertThat(c.errorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(c.errorMessage()).isEqualTo("Rate limit reached");
    }

    @Test
    void non_json_data_is_rejected_with_a_clear_message() {
        assertThatThrownBy(() -> ChatChunk.parse("not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ChatChunk.parse("[1,2]")).hasMessageContaining("not a JSON object");
    }
}

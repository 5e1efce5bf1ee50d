package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.llm.Usage;
import dev.ragd.llm.openai.bench.LegacyParsing;
import java.util.List;
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

    @Test
    void usage_before_choices_and_delta_after_finish_reason_are_read_in_any_order() {
        ChatChunk c = ChatChunk.parse("{\"usage\":{\"completion_tokens\":5,\"prompt_tokens\":9},\"id\":\"x\","
                + "\"choices\":[{\"finish_reason\":\"length\",\"index\":0,\"delta\":{\"content\":\"tail\",\"role\":\"assistant\"}}]}");
        assertThat(c).isEqualTo(new ChatChunk("tail", "length", new Usage(9, 5), null, null));
    }

    @Test
    void nested_objects_and_arrays_in_unknown_fields_are_skipped_even_when_they_hold_known_names() {
        ChatChunk c = ChatChunk.parse("{\"system_fingerprint\":{\"choices\":[{\"delta\":{\"content\":\"no\"}}]},"
                + "\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"no\",\"top_logprobs\":[[1,{\"a\":[]}]]}]},"
                + "\"delta\":{\"tool_calls\":[{\"function\":{\"content\":\"no\"}}],\"content\":\"yes\"},"
                + "\"content_filter_results\":{\"hate\":{\"filtered\":false}},\"finish_reason\":null}],"
                + "\"extra\":[{\"usage\":{\"prompt_tokens\":1}},{\"error\":\"no\"}]}");
        assertThat(c).isEqualTo(new ChatChunk("yes", null, null, null, null));
    }

    @Test
    void whitespace_escaped_names_and_look_alike_names_are_read_by_what_they_spell() {
        assertThat(ChatChunk.parse("{ \"id\" : \"c\" ,\n \"choices\" : [ { \"index\" : 0 , \"delta\" : { \"content\" : \"x\" } ,"
                + " \"finish_reason\" : \"stop\" } ] }")).isEqualTo(new ChatChunk("x", "stop", null, null, null));
        assertThat(ChatChunk.parse("{\"\\u0063hoices\":[{\"delt\\u0061\":{\"\\u0063ontent\":\"escaped\"}}]}").content()).isEqualTo("escaped");
        assertThat(ChatChunk.parse("{\"choices\":[{\"index\":0,\"deltas\":{\"content\":\"no\"},\"delta\":{\"contents\":\"no\"},"
                + "\"finish_reasons\":\"no\"}],\"usages\":{\"prompt_tokens\":1}}"))
                .isEqualTo(new ChatChunk(null, null, null, null, null));
    }

    @Test
    void only_the_first_choice_is_read() {
        ChatChunk c = ChatChunk.parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}},"
                + "{\"index\":1,\"delta\":{\"content\":\"second\"},\"finish_reason\":\"stop\"}]}");
        assertThat(c).isEqualTo(new ChatChunk("first", null, null, null, null));
    }

    @Test
    void null_and_non_text_values_count_as_absent() {
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":null},\"finish_reason\":null}],\"usage\":null}"))
                .isEqualTo(new ChatChunk(null, null, null, null, null));
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":{\"text\":\"x\"}},\"finish_reason\":7}]}"))
                .isEqualTo(new ChatChunk(null, null, null, null, null));
        assertThat(ChatChunk.parse("{\"choices\":[null,{\"delta\":{\"content\":\"x\"}}],\"error\":null}"))
                .isEqualTo(new ChatChunk(null, null, null, null, null));
        assertThat(ChatChunk.parse("{\"choices\":{\"delta\":{\"content\":\"x\"}},\"usage\":[1,2]}"))
                .isEqualTo(new ChatChunk(null, null, null, null, null));
    }

    @Test
    void usage_numbers_are_read_as_ints_whatever_their_json_form() {
        assertThat(ChatChunk.parse("{\"usage\":{\"prompt_tokens\":12.9,\"completion_tokens\":\"34\"}}").usage())
                .isEqualTo(new Usage(12, 34));
        assertThat(ChatChunk.parse("{\"usage\":{\"prompt_tokens\":1e3,\"completion_tokens\":null,\"total_tokens\":{}}}").usage())
                .isEqualTo(new Usage(1000, 0));
        assertThat(ChatChunk.parse("{\"usage\":{\"prompt_tokens\":\"many\",\"completion_tokens\":[3]}}").usage())
                .isEqualTo(new Usage(0, 0));
        assertThat(ChatChunk.parse("{\"usage\":{}}").usage()).isEqualTo(new Usage(0, 0));
    }

    @Test
    void error_wins_wherever_it_stands_and_may_be_a_string_or_carry_only_a_type() {
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}"))
                .isEqualTo(new ChatChunk(null, null, null, "boom", "server_error"));
        assertThat(ChatChunk.parse("{\"error\":\"overloaded\"}")).isEqualTo(new ChatChunk(null, null, null, "overloaded", null));
        assertThat(ChatChunk.parse("{\"error\":{\"code\":null,\"type\":\"t\"}}")).isEqualTo(new ChatChunk(null, null, null, "", "t"));
        assertThat(ChatChunk.parse("{\"error\":{\"code\":429}}").errorCode()).isEqualTo("429");
    }

    @Test
    void malformed_data_anywhere_in_the_object_is_rejected_even_inside_skipped_fields() {
        assertThatThrownBy(() -> ChatChunk.parse("{\"id\":{\"a\":[1,}}")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ChatChunk.parse("[1,2")).hasMessageContaining("not JSON");
        for (String notObject : List.of("", "  ", "null", "42", "\"text\"", "[]")) {
            assertThatThrownBy(() -> ChatChunk.parse(notObject)).as(notObject).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stream event is not a JSON object");
        }
    }

    @Test
    void anything_after_the_top_level_object_is_ignored_as_before() {
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing {garbage"))
                .isEqualTo(new ChatChunk("x", null, null, null, null));
    }

    @Test
    void read_turns_malformed_data_into_an_error_chunk_with_code_malformed() {
        ChatChunk c = ChatChunk.read("{\"choices\":[");
        assertThat(c.isError()).isTrue();
        assertThat(c.errorCode()).isEqualTo("malformed");
        assertThat(c.errorMessage()).startsWith("malformed stream event: stream event is not JSON: ");
        assertThat(ChatChunk.read("7").errorMessage()).isEqualTo("malformed stream event: stream event is not a JSON object");
        assertThat(ChatChunk.read(null).errorCode()).isEqualTo("malformed");
        assertThat(LegacyParsing.read(null).errorCode()).isEqualTo("malformed");
    }

    @Test
    void a_repeated_key_counts_with_its_last_value() {
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[]}").content()).isNull();
        assertThat(ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}").content()).isEqualTo("b");
        assertThat(ChatChunk.parse("{\"error\":\"x\",\"error\":null,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}"))
                .isEqualTo(new ChatChunk("a", null, null, null, null));
    }

    @Test
    void streaming_parser_reads_every_sample_exactly_as_the_former_tree_parser_did() {
        for (String data : SAMPLES) {
            assertThat(ChatChunk.read(data)).as(data).isEqualTo(LegacyParsing.read(data));
        }
    }

    private static final List<String> SAMPLES = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" warranty\"},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null}]}",
            "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"choices\":[{\"delta\":{\"content\":\"\\u00e9\\n\\\"q\\\"\"},\"finish_reason\":\"\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":9999999999,\"completion_tokens\":-3}}",
            "{\"usage\":{\"prompt_tokens\":123456789012345678901234567890,\"completion_tokens\":1.5e2}}",
            "{\"usage\":{\"prompt_tokens\":\" 42 \",\"completion_tokens\":\"7.9\"},\"choices\":[[1],{\"delta\":{\"content\":\"x\"}}]}",
            "{\"usage\":{\"prompt_tokens\":true,\"completion_tokens\":false}}",
            "{\"choices\":[{\"delta\":[\"content\",\"x\"]}],\"usage\":\"12\"}",
            "{\"choices\":[{\"delta\":{\"content\":5}}]}",
            "{\"error\":{\"message\":{\"nested\":true},\"code\":{\"a\":1}}}",
            "{\"error\":{\"message\":null,\"type\":null}}",
            "{\"error\":1.5e3}",
            "{\"error\":[\"a\"]}",
            "{\"error\":true,\"choices\":[{\"delta\":{\"content\":\"x\"}}]}",
            "{\"error\":{}}",
            "{}",
            "{} {",
            "{\"a\":1}}",
            "{\"a\":1,}",
            "{'a':1}",
            "{\"a\":01}",
            "{\"a\":NaN}",
            "{\"a\"}",
            "{\"choices\":[{\"delta\":{\"content\":\"unterminated}}]}",
            "[{\"choices\":[]}]",
            "[1,2",
            "\"str",
            "123abc",
            "nul",
            "null x",
            "   ",
            "{ \"id\" : \"c\" ,\n \"object\"\t:\"chunk\", \"created\" :1, \"model\": \"m\", \"system_fingerprint\" : \"fp\" ,"
                    + " \"choices\" : [ { \"index\" : 0 , \"delta\" : { \"content\" : \"x\" } , \"logprobs\" : null ,"
                    + " \"finish_reason\" : \"stop\" } ] , \"usage\" : { \"prompt_tokens\" : 1 , \"completion_tokens\" : 2 } }",
            "{\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"x\"},\"finish_reason\":null,\"index\":0}],"
                    + "\"created\":1,\"id\":\"c\",\"model\":\"m\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp\"}",
            "{\"\\u0069d\":1,\"\\u0063hoices\":[{\"ind\\u0065x\":0,\"delt\\u0061\":{\"\\u0063ontent\":\"escaped names\"}}]}",
            "{\"idx\":1,\"objects\":2,\"choice\":[],\"choices\":[{\"indexes\":0,\"deltas\":{\"content\":\"no\"},"
                    + "\"delta\":{\"contents\":\"no\",\"conten\":\"no\"},\"finish_reasons\":\"no\"}]}",
            "{\"id\":\"c\",\"object\":\"o\",\"created\":1,\"model\":\"m\",\"system_fingerprint\":null,\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"content\":\"a\"},\"logprobs\":{\"content\":[]},\"finish_reason\":\"length\"}],\"usage\":null}",
            "{\"id\":\"abc",
            "{\"id\":\"a\\qb\"}",
            "{\"id\":\"a\\u00\"}",
            "{\"id\":\"a\tb\"}",
            "{\"id\":-}",
            "{\"id\":1" + "0".repeat(1200) + "}",
            "{\"id\":" + "[".repeat(1100) + "]".repeat(1100) + "}",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]" + ",\"x\":{".repeat(3),
            "",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing",
            "{\"choices\":[{\"delta\":{\"content\":\"\ud83c\udf89 \u65e5\u672c\"}}]}");
}

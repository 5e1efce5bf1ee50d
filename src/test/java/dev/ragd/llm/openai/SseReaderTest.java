package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private final List<String> events = new ArrayList<>();
    private final SseReader reader = new SseReader(events::add);

    private static final String STREAM = ": keep-alive comment\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"Grüße \"}}]}\r\n\r\n"
            + "event: message\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"日本語 🎉\"}}]}\n\n"
            + "data: line one\ndata: line two\n\n"
            + "data:no-space\r\r"
            + "data: [DONE]\n\n";

    private static final List<String> EXPECTED = List.of(
            "{\"choices\":[{\"delta\":{\"content\":\"Grüße \"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"日本語 🎉\"}}]}",
            "line one\nline two",
            "no-space",
            "[DONE]");

    @Test
    void whole_stream_in_one_buffer_yields_every_event_in_order() {
        reader.feed(STREAM.getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void byte_by_byte_feeding_splits_multibyte_characters_and_crlf_yet_yields_the_same_events() {
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            reader.feed(new byte[] {b});
        }
        assertThat(events).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void every_two_way_split_of_the_stream_yields_the_same_events() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<String> got = new ArrayList<>();
            SseReader r = new SseReader(got::add);
            r.feed(Arrays.copyOfRange(bytes, 0, cut));
            r.feed(Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(got).as("split at byte %d", cut).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    void an_event_is_not_emitted_before_its_blank_line_arrives() {
        reader.feed("data: partial".getBytes(StandardCharsets.UTF_8));
        reader.feed("\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).isEmpty();
        reader.feed("\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactly("partial");
    }

    @Test
    void end_of_body_dispatches_a_last_event_without_trailing_blank_line() {
        reader.feed("data: [DONE]".getBytes(StandardCharsets.UTF_8));
        reader.end();
        assertThat(events).containsExactly("[DONE]");
    }

    @Test
    void comments_and_other_fields_alone_emit_nothing() {
        reader.feed(": ping\n\nid: 7\nretry: 100\n\n".getBytes(StandardCharsets.UTF_8));
        reader.end();
        assertThat(events).isEmpty();
    }
}

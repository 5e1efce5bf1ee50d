package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.openai.bench.LegacyParsing;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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

    /** What an OpenAI-compatible upstream sends, with a keep-alive, CRLF endings and multi-byte text. */
    private static final String UPSTREAM = ": OPENROUTER PROCESSING\r\n\r\n"
            + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\r\n\r\n"
            + "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Garantie für 2 Jahre \u2014 "
            + "\u65e5\u672c \ud83c\udf89\"},\"finish_reason\":null}]}\r\n\r\n"
            + "event: ping\r\nid: 42\r\nretry: 3000\r\n\r\n"
            + "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":17}}\n\n"
            + "data: [DONE]\r\n\r\n";

    @Test
    void every_split_point_of_an_upstream_stream_fed_as_vertx_buffers_yields_what_feeding_it_whole_does() {
        byte[] bytes = UPSTREAM.getBytes(StandardCharsets.UTF_8);
        List<String> whole = new ArrayList<>();
        SseReader one = new SseReader(whole::add);
        one.feed(Buffer.buffer(bytes));
        one.end();
        assertThat(whole).hasSize(5).contains("[DONE]")
                .anySatisfy(e -> assertThat(e).contains("Garantie für 2 Jahre \u2014 \u65e5\u672c \ud83c\udf89"));
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<String> got = new ArrayList<>();
            SseReader r = new SseReader(got::add);
            r.feed(Buffer.buffer(Arrays.copyOfRange(bytes, 0, cut)));
            r.feed(Buffer.buffer(Arrays.copyOfRange(bytes, cut, bytes.length)));
            r.end();
            assertThat(got).as("split at byte %d", cut).isEqualTo(whole);
        }
        List<String> byteByByte = new ArrayList<>();
        SseReader r = new SseReader(byteByByte::add);
        for (byte b : bytes) {
            r.feed(Buffer.buffer(new byte[] {b}));
        }
        r.end();
        assertThat(byteByByte).isEqualTo(whole);
    }

    @Test
    void every_three_way_split_around_a_multibyte_character_and_a_crlf_yields_the_same_events() {
        byte[] bytes = "data: a\ud83c\udf89b\r\n\r\ndata: \u00e9\r\r\n".getBytes(StandardCharsets.UTF_8);
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                List<String> got = new ArrayList<>();
                SseReader r = new SseReader(got::add);
                r.feed(Buffer.buffer(Arrays.copyOfRange(bytes, 0, a)));
                r.feed(Arrays.copyOfRange(bytes, a, b));
                r.feed(Buffer.buffer(Arrays.copyOfRange(bytes, b, bytes.length)));
                r.end();
                assertThat(got).as("splits at %d and %d", a, b).containsExactly("a\ud83c\udf89b", "\u00e9");
            }
        }
    }

    @Test
    void a_single_line_event_after_a_multi_line_one_is_not_joined_to_it() {
        reader.feed("data: a\ndata: b\ndata:\n\ndata: c\n\ndata\n\ndata: \n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactly("a\nb\n", "c", "", "");
    }

    @Test
    void only_a_field_named_exactly_data_is_read() {
        reader.feed("datax: no\ndat: no\nDATA: no\n data: no\ndata : no\ndata:yes: and more\n\n".getBytes(StandardCharsets.UTF_8));
        reader.end();
        assertThat(events).containsExactly("yes: and more");
    }

    @Test
    void random_splits_of_odd_streams_yield_exactly_what_the_former_reader_did() {
        String odd = STREAM + UPSTREAM + "data\r\n\n\r\rdata:  two spaces\r\n\r\n:\n\ndatax\ndata:\ufffd\u00ff\r"
                + "data: " + "long ".repeat(200) + "\n\n\r\n\n" + "data: \u00e9\u00e8 unfinished";
        byte[] bytes = odd.getBytes(StandardCharsets.UTF_8);
        byte[] broken = Arrays.copyOf(bytes, bytes.length + 3); // a truncated 4-byte character at the end
        broken[bytes.length] = (byte) 0xF0;
        broken[bytes.length + 1] = (byte) 0x9F;
        broken[bytes.length + 2] = (byte) 0x8E;
        Random random = new Random(7);
        for (byte[] input : List.of(bytes, broken)) {
            for (int round = 0; round < 300; round++) {
                List<String> expected = new ArrayList<>();
                List<String> got = new ArrayList<>();
                LegacyParsing.SseReader before = new LegacyParsing.SseReader(expected::add);
                SseReader now = new SseReader(got::add);
                int at = 0;
                while (at < input.length) {
                    int n = Math.min(input.length - at, random.nextInt(round % 2 == 0 ? 8 : 700));
                    byte[] piece = Arrays.copyOfRange(input, at, at + n);
                    before.feed(piece);
                    if (random.nextBoolean()) {
                        now.feed(Buffer.buffer(piece));
                    } else {
                        now.feed(piece);
                    }
                    at += n;
                }
                before.end();
                now.end();
                assertThat(got).as("round %d", round).isEqualTo(expected);
            }
        }
    }

    @Test
    void a_buffer_larger_than_the_scan_window_with_lines_across_window_edges_yields_every_event() {
        StringBuilder body = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String value = i + " \u00e9" + "x".repeat(i * 7 % 101) + (i % 50 == 0 ? "y".repeat(3 * SseReader.WINDOW) : "");
            body.append("data: ").append(value).append(i % 3 == 0 ? "\r\n\r\n" : "\n\n");
            expected.add(value);
        }
        reader.feed(Buffer.buffer(body.toString()));
        assertThat(body.length()).isGreaterThan(4 * SseReader.WINDOW);
        assertThat(events).isEqualTo(expected);
    }

    @Test
    void a_buffer_fed_from_inside_the_events_consumer_is_read_after_the_current_one_in_byte_order() {
        List<String> got = new ArrayList<>();
        SseReader[] self = new SseReader[1];
        self[0] = new SseReader(event -> {
            got.add(event);
            if (event.equals("first")) {
                self[0].feed(Buffer.buffer("data: third\n\ndata: fourth")); // bytes that came after "sec"
                self[0].end();
            }
        });
        self[0].feed(Buffer.buffer("data: first\n\ndata: second\n\ndata: sec"));
        assertThat(got).containsExactly("first", "second", "secdata: third", "fourth");
    }

    @Test
    void line_end_search_finds_the_first_lf_or_cr_at_every_position_among_look_alike_bytes() {
        byte[] lookAlikes = {0x0B, 0x0C, 0x09, 0x0E, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF, 0x00, 0x7F, 'a', (byte) 0xC3, (byte) 0xA9};
        Random random = new Random(11);
        for (int size = 0; size <= 40; size++) {
            for (int round = 0; round < 200; round++) {
                byte[] b = new byte[size];
                for (int i = 0; i < size; i++) {
                    int pick = random.nextInt(lookAlikes.length + 2);
                    b[i] = pick < lookAlikes.length ? lookAlikes[pick] : (random.nextInt(6) == 0 ? (byte) (pick == lookAlikes.length ? '\n' : '\r')
                            : lookAlikes[random.nextInt(lookAlikes.length)]);
                }
                int from = size == 0 ? 0 : random.nextInt(size + 1);
                int end = from + random.nextInt(size - from + 1);
                int expected = end;
                for (int i = from; i < end; i++) {
                    if (b[i] == '\n' || b[i] == '\r') {
                        expected = i;
                        break;
                    }
                }
                assertThat(SseReader.indexOfLineEnd(b, from, end)).as("%s from %d to %d", Arrays.toString(b), from, end)
                        .isEqualTo(expected);
            }
        }
    }
}

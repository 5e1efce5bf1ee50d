package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenFrameTest {

    private static final String ID = "c0ffee-42";

    /** Texts that stress escaping: quotes, backslashes, every control character, non-BMP, separators, the mark. */
    private static List<String> awkwardTexts() {
        List<String> texts = new ArrayList<>(List.of("", " warranty", "say \"two years\" [1]", "\\", "\\\"", "\"\"",
                "a\\\"b\"c\\", "line\nbreak\r\ttab", "\u2028\u2029", "😀 emoji", "\uD83D", "\uDE00 lone low",
                "</script>", "x\u007fy", "中文 Ünïcödé", "\uE000ragd-token\uE000", "{\"text\":\"nested\"}"));
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        texts.add(controls.toString());
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(12);
            for (int j = 0; j < len; j++) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x80) : (char) random.nextInt(0xFFFF));
            }
            texts.add(sb.toString());
        }
        return texts;
    }

    /**
     * Ids a client may choose to break a template search: the old placeholder itself, quoted, the
     * token's own key and value syntax, closing brackets, escapes, empty.
     */
    private static final List<String> HOSTILE_IDS = List.of("\uE000ragd-token\uE000", "\"\uE000ragd-token\uE000\"",
            "\",\"text\":\"", "\"}", "}]\"", "\\", "\\\"", "", "\"\"", "\u0000\u001f", "\uD800", "😀\"content\":\"");

    private static void assertSameAsEncoder(Function<String, JsonObject> frame, Function<JsonObject, String> encoder,
            boolean quoteAsUnicode) {
        TokenFrame tokenFrame = TokenFrame.of(frame, encoder, quoteAsUnicode);
        for (String text : awkwardTexts()) {
            assertThat(tokenFrame.render(text)).as("frame for %s", text).isEqualTo(encoder.apply(frame.apply(text)));
        }
    }

    @Test
    void nativeTokenFrameIsExactlyWhatTheJsonEncoderWrites() {
        assertSameAsEncoder(text -> Wire.frame("token", ID).put("text", text), JsonObject::encode, false);
    }

    @Test
    void bookStreamFrameIsExactlyWhatTheBookEncoderWritesQuotesIncluded() {
        assertSameAsEncoder(text -> BookSocket.streamFrame(ID, text), BookJson::encode, true);
        TokenFrame book = TokenFrame.of(text -> BookSocket.streamFrame(ID, text), BookJson::encode, true);
        assertThat(book.render("a \"b\"")).contains("\"content\":\"a \\u0022b\\u0022\"").doesNotContain("\\\"");
    }

    @Test
    void wrappedFrameAddsTheFramingAroundEveryToken() {
        TokenFrame sse = Wire.tokenFrame(ID).wrapped("event: token\ndata: ", "\nid: ");

        String rendered = sse.render(42, "hi \"there\"");

        assertThat(rendered).isEqualTo("event: token\ndata: "
                + Wire.frame("token", ID).put("seq", 42L).put("text", "hi \"there\"").encode() + "\nid: ");
    }

    @Test
    void anyIdAClientChoosesStillGivesExactlyTheEncodersFrames() {
        for (String id : HOSTILE_IDS) {
            assertSameAsEncoder(text -> Wire.frame("token", id).put("text", text), JsonObject::encode, false);
            assertSameAsEncoder(text -> BookSocket.streamFrame(id, text), BookJson::encode, true);
            for (long seq : new long[] {0, 1, 9, 10, 12345, Long.MAX_VALUE}) {
                assertThat(Wire.tokenFrame(id).render(seq, "x \" \\ \u2028")).as("id %s seq %d", id, seq)
                        .isEqualTo(Wire.frame("token", id).put("seq", seq).put("text", "x \" \\ \u2028").encode());
            }
        }
    }

    @Test
    void aSeqMustBeOneNumberOfTheFrameAndTheTokenItsLastValue() {
        assertThatThrownBy(() -> TokenFrame.ofSeq((seq, text) -> new JsonObject().put("seq", seq).put("n", seq)
                .put("text", text), JsonObject::encode))
                .as("the seq written twice").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one number");
        assertThatThrownBy(() -> TokenFrame.ofSeq((seq, text) -> new JsonObject().put("text", text).put("seq", seq),
                JsonObject::encode))
                .as("the seq after the token").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenFrame.ofSeq((seq, text) -> new JsonObject().put("text", text), JsonObject::encode))
                .as("no seq at all").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one number");
        assertThatThrownBy(() -> Wire.tokenFrame(ID).render("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFrameWhoseTokenIsNotTheLastValueIsRefused() {
        assertThatThrownBy(() -> TokenFrame.of(text -> new JsonObject().put("text", text).put("id", ID),
                JsonObject::encode, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last value");
        assertThatThrownBy(() -> TokenFrame.of(text -> new JsonObject().put("text", text).put("id", ""),
                JsonObject::encode, false))
                .as("an empty string after the token does not pass for it")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last value");
        assertThatThrownBy(() -> TokenFrame.of(text -> new JsonObject().put("n", text.length()), JsonObject::encode, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last value");
    }
}

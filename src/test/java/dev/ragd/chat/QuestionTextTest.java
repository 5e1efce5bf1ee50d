package dev.ragd.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuestionTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"When?", "¿Qué?", "営業時間は？", "Öffnungszeiten", "42", "٣", "①", "ｆｕｌｌ", "\u00a0a\u200b",
            "x\u0000", "\ud800z"})
    void aLetterOrDigitInAnyScriptOrCompatibilityFormCounts(String question) {
        assertThat(QuestionText.hasLetterOrDigit(question)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u00a0\u00a0", "\u200b", "\u0000", "\u202e", "\ud800", "\udc00\ud800", "\ufeff\u2060",
            "?!", "... -- ...", "😀🎉", "\u3000", "\u0085\u001f"})
    void onlyBlanksInvisiblesControlsSurrogatesPunctuationOrEmojiDoNot(String question) {
        assertThat(QuestionText.hasLetterOrDigit(question)).isFalse();
    }
}

package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the parser says of text that is not a JSON object: the close code and a message naming it. */
class RequestParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "x                | invalid JSON: unexpected character 'x' at position 0; send a JSON object",
            "'   <html>'      | invalid JSON: unexpected character '<' at position 3; send a JSON object",
            "{x               | invalid JSON: ",
            "[1,2             | invalid JSON: "})
    void textThatIsNotJsonIsInvalidJson(String text, String message) {
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> RequestParser.object(text));
        assertThat(e.closeCode).isEqualTo(BadRequestException.INVALID_PAYLOAD);
        assertThat(e.getMessage()).startsWith(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"42", "'\"text\"'", "[]", "true", "null", "-1"})
    void jsonThatIsNotAnObjectIsAPolicyViolation(String text) {
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> RequestParser.object(text));
        assertThat(e.closeCode).isEqualTo(BadRequestException.POLICY_VIOLATION);
        assertThat(e.getMessage()).isEqualTo("the request must be a JSON object");
    }

    @ParameterizedTest(name = "U+{0}")
    @CsvSource({"0001", "00A0", "E000"})
    void anUnprintableFirstCharacterIsNamedByItsCodePoint(String hex) {
        String text = new String(Character.toChars(Integer.parseInt(hex, 16))) + "{}";
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> RequestParser.object(text));
        assertThat(e.getMessage()).contains("U+" + hex);
    }
}

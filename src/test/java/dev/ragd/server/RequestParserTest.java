package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ragd.retrieval.SearchFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'\"Acme\"'                         | filters must be an object",
            "{\"Maker Name\":\"Acme\"}          | 'Maker Name' is not a field name",
            "{\"Manufacturer\":[]}              | filters.Manufacturer must be a string or a list of 1 to 20 strings",
            "{\"Manufacturer\":3}               | filters.Manufacturer values must be non-empty strings",
            "{\"Manufacturer\":[\"a\",{}]}      | filters.Manufacturer values must be non-empty strings",
            "{\"Manufacturer\":\"\"}            | filters.Manufacturer values must be non-empty strings",
            "{\"Manufacturer\":\"a\\u0000b\"}   | without control characters"})
    void aFilterOfTheWrongShapeIsRefusedNamingIt(String filters, String message) throws Exception {
        JsonObject request = new JsonObject("{\"id\":\"f1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"filters\":" + filters + "}");
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> RequestParser.nativeRequest(request));
        assertThat(e).as(filters).isNotNull();
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void aFilterIsReadAsEachFieldsAcceptedValues() throws Exception {
        JsonObject request = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", "hi"))).put("filters", new JsonObject().put("Manufacturer", "Acme")
                .put("Colour", new JsonArray().add("teal").add("it's blue")));

        SearchFilter f = RequestParser.nativeRequest(request).filter();

        assertThat(f.anyOf()).containsExactly(Map.entry("Manufacturer", List.of("Acme")),
                Map.entry("Colour", List.of("teal", "it's blue")));
        assertThat(RequestParser.nativeRequest(request.copy().put("filters", null)).filter().isEmpty()).isTrue();
    }

    @Test
    void tooManyFieldsOrValuesAreRefused() {
        JsonObject fields = new JsonObject();
        for (int i = 0; i <= RequestParser.MAX_FILTER_FIELDS; i++) {
            fields.put("f" + i, "v");
        }
        JsonArray values = new JsonArray();
        for (int i = 0; i <= RequestParser.MAX_FILTER_VALUES; i++) {
            values.add("v" + i);
        }
        JsonObject base = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", "hi")));
        assertThat(catchThrowableOfType(BadRequestException.class, () -> RequestParser.nativeRequest(
                base.copy().put("filters", fields))).getMessage()).contains("at most 10 fields");
        assertThat(catchThrowableOfType(BadRequestException.class, () -> RequestParser.nativeRequest(
                base.copy().put("filters", new JsonObject().put("f", values)))).getMessage()).contains("1 to 20 strings");
        assertThat(catchThrowableOfType(BadRequestException.class, () -> RequestParser.nativeRequest(
                base.copy().put("filters", new JsonObject().put("f", "x".repeat(257))))).getMessage())
                .contains("at most 256 characters");
    }
}

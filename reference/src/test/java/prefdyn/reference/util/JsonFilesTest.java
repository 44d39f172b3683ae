package prefdyn.reference.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonFilesTest {

    // ------------------------------------------------------------ reading: the values

    @Test
    void readsEachJsonTypeAsItsPlainJavaValueKeepingKeyOrder() {
        Map<String, Object> object = JsonFiles.parseObject(
                "{\"z\": 1, \"a\": [true, false, null], \"m\": {\"s\": \"x\"}, \"f\": 0.25, \"e\": 1E2, \"n\": -0}");

        assertThat(object).containsExactly(Map.entry("z", 1L), Map.entry("a", Arrays.asList(true, false, null)),
                Map.entry("m", Map.of("s", "x")), Map.entry("f", 0.25), Map.entry("e", 100.0), Map.entry("n", 0L));
        assertThat(object).isInstanceOf(LinkedHashMap.class);
        assertThat(object.get("a")).isInstanceOf(ArrayList.class);
    }

    @Test
    void anIntegerIsALongWhenItFitsAndADoubleWhenItDoesNot() {
        assertThat(JsonFiles.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(JsonFiles.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(JsonFiles.parse("9223372036854775808")).isEqualTo(9.223372036854775808E18);
        assertThat(JsonFiles.parse("123456789012345678901234567890")).isEqualTo(1.2345678901234568E29);
        assertThat(JsonFiles.parse("1e400")).isEqualTo(Double.POSITIVE_INFINITY); // as Double.parseDouble reads it
        assertThat(JsonFiles.parse("-0.0")).isEqualTo(-0.0);
        assertThat(JsonFiles.parse("4.9e-324")).isEqualTo(Double.MIN_VALUE);
    }

    @Test
    void absurdNumbersAndNestingAreRefusedByJacksonsLimitsNotByTheStack() {
        assertThatThrownBy(() -> JsonFiles.parse("1" + "0".repeat(1000)))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessageContaining("Number value length (1001) exceeds the maximum allowed (1000")
                .hasMessageEndingWith("at line 1, column 1002");
        assertThatThrownBy(() -> JsonFiles.parse("[".repeat(5000) + "]".repeat(5000)))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessageContaining("Document nesting depth")
                .hasMessageMatching("[^\\n]* at line 1, column \\d+");
    }

    @Test
    void unicodeEscapesAndRawCharactersReadAsTheSameString() {
        assertThat(JsonFiles.parse("\"caf\\u00e9 \\u20AC \\ud83d\\ude00 \\\"\\\\\\/\\b\\f\\n\\r\\t\""))
                .isEqualTo("café € \uD83D\uDE00 \"\\/\b\f\n\r\t");
        assertThat(JsonFiles.parse("\"café € \uD83D\uDE00\"")).isEqualTo("café € \uD83D\uDE00");
    }

    // ------------------------------------------------------------ reading: strictness and its messages

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            {"a": 1, "a": 2}          | Duplicate field 'a' at line 1, column 13
            {"m": {"b": 1, "b": 2}}   | Duplicate field 'b' at line 1, column 19
            [NaN]                     | Non-standard token 'NaN' at line 1, column 5
            [-Infinity]               | Non-standard token '-Infinity' at line 1, column 11
            {"a": 1,}                 | was expecting double-quote to start field name at line 1, column 9
            [1, 2,]                   | expected a valid value
            {'a': 1}                  | was expecting double-quote to start field name at line 1, column 2
            {a: 1}                    | was expecting double-quote to start field name at line 1, column 2
            // note                   | maybe a (non-standard) comment? at line 1, column 1
            [01]                      | Leading zeroes not allowed
            [+1]                      | JSON spec does not allow numbers to have plus signs at line 1
            [1.]                      | Decimal point not followed by a digit
            [1e]                      | Exponent indicator not followed by a digit
            "\\x"                     | Unrecognized character escape 'x'
            "\\u12g4"                 | expected a hex-digit for character escape sequence
            "abc                      | Unexpected end-of-input: was expecting closing quote for a string value
            tru                       | Unrecognized token 'tru'
            {} {}                     | unexpected content after the JSON value at line 1, column 4
            {} x                      | Unrecognized token 'x'
            """)
    void refusesWhatIsNotStrictJsonNamingLineAndColumn(String text, String message) {
        assertThatThrownBy(() -> JsonFiles.parse(text))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessageContaining(message)
                .hasMessageMatching("[^\\n]* at line \\d+, column \\d+") // one line; ends with the place
                .hasMessageNotContaining("enable")
                .hasMessageNotContaining("Source");
    }

    @Test
    void theLineAndColumnAreWhereTheProblemIs() {
        String config = "{\n  \"n_embd\": 4,\n  \"n_head\": }\n";

        assertThatThrownBy(() -> JsonFiles.parseObject(config))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessage("Unexpected character ('}' (code 125)): expected a value at line 3, column 13")
                .satisfies(e -> {
                    assertThat(((JsonFiles.JsonException) e).line()).isEqualTo(3);
                    assertThat(((JsonFiles.JsonException) e).column()).isEqualTo(13);
                });
    }

    @Test
    void anUnescapedControlCharacterInAStringIsRefused() {
        assertThatThrownBy(() -> JsonFiles.parse("\"a\nb\""))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessageContaining("has to be escaped using backslash")
                .hasMessageEndingWith("at line 1, column 3");
    }

    @Test
    void anUnclosedObjectNamesWhereItBegan() {
        assertThatThrownBy(() -> JsonFiles.parse("{\"a\": [1"))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessage("Unexpected end-of-input: expected close marker for Array (start marker at [line: 1,"
                        + " column: 7]) at line 1, column 9");
    }

    @Test
    void blankTextAndAByteOrderMarkAreNotJson() {
        assertThatThrownBy(() -> JsonFiles.parse(" \n "))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessage("expected a JSON value, got only whitespace at line 1, column 1");
        assertThatThrownBy(() -> JsonFiles.parse("\uFEFF{}"))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessageContaining("code 65279");
    }

    @Test
    void parseObjectRefusesAnotherKindOfValue() {
        assertThatThrownBy(() -> JsonFiles.parseObject("[1, 2]"))
                .isInstanceOf(JsonFiles.JsonException.class)
                .hasMessage("expected a JSON object, got an array at line 1, column 1");
        assertThatThrownBy(() -> JsonFiles.parseObject("\"x\""))
                .hasMessage("expected a JSON object, got a string at line 1, column 1");
    }

    // ------------------------------------------------------------ writing: the bytes

    @Test
    void writesCompactlyInTheMapsOrder() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", 3);
        line.put("loss", 0.6931471805599453);
        line.put("ids", new int[] {1, -2});
        line.put("g", new double[] {0.1, -0.0, 1e-7});
        line.put("flags", Arrays.asList(true, null));
        line.put("nested", Map.of("k", List.of()));
        line.put("big", Long.MIN_VALUE);

        assertThat(JsonFiles.write(line)).isEqualTo("{\"step\":3,\"loss\":0.6931471805599453,\"ids\":[1,-2],"
                + "\"g\":[0.1,-0.0,1.0E-7],\"flags\":[true,null],\"nested\":{\"k\":[]},\"big\":-9223372036854775808}");
    }

    @Test
    void everyNonIntegerNumberIsWrittenAsItsDoubleShortestRepresentation() {
        assertThat(JsonFiles.write(List.of(1.0, 100.0, 1e21, 1e-3, 1.0 / 3, 2.5e-300))).isEqualTo(
                "[1.0,100.0,1.0E21,0.001,0.3333333333333333,2.5E-300]");
        assertThat(JsonFiles.write(0.1f)).isEqualTo("0.10000000149011612"); // the float's exact double
        assertThat(JsonFiles.write((short) 3)).isEqualTo("3.0");
        assertThat(JsonFiles.write(new java.math.BigDecimal("0.1"))).isEqualTo("0.1");
    }

    @Test
    void stringsEscapeQuotesBackslashesAndControlCharactersOnly() {
        assertThat(JsonFiles.write("q\" b\\ /\b\f\n\r\t\u0001\u001f\u007f é € \uD83D\uDE00"))
                .isEqualTo("\"q\\\" b\\\\ /\\b\\f\\n\\r\\t\\u0001\\u001f\u007f é € \uD83D\uDE00\"");
    }

    @Test
    void nanAndInfinityAndUnknownTypesAreRefused() {
        assertThatThrownBy(() -> JsonFiles.write(Map.of("loss", Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("JSON cannot represent NaN");
        assertThatThrownBy(() -> JsonFiles.write(new double[] {Double.NEGATIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("JSON cannot represent -Infinity");
        assertThatThrownBy(() -> JsonFiles.write(List.of(Float.POSITIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("JSON cannot represent Infinity");
        assertThatThrownBy(() -> JsonFiles.write(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot write java.lang.Object as JSON");
    }

    @Test
    void oneKeyPerLineIsWhatConfigJsonLooksLike() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("n_embd", 16);
        config.put("architectures", List.of("GPT2LMHeadModel"));
        config.put("n_inner", null);

        assertThat(JsonFiles.writeOneKeyPerLine(config)).isEqualTo(
                "{\n  \"n_embd\": 16,\n  \"architectures\": [\"GPT2LMHeadModel\"],\n  \"n_inner\": null\n}\n");
        assertThat(JsonFiles.writeOneKeyPerLine(Map.of())).isEqualTo("{\n}\n");
    }

    @Test
    void whatIsWrittenReadsBackEqual() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "line\none \u0000 é");
        value.put("x", -1.2345678901234567E-200);
        value.put("n", 42L);
        value.put("list", Arrays.asList(1L, 2.5, "s", null, false, Map.of("k", "v")));

        assertThat(JsonFiles.parseObject(JsonFiles.write(value))).isEqualTo(value);
        assertThat(JsonFiles.parseObject(JsonFiles.writeOneKeyPerLine(value))).isEqualTo(value);
    }

    @Test
    void describeNamesTheJsonType() {
        assertThat(Arrays.asList(null, Map.of(), List.of(), "s", true, 1L, 1.5).stream().map(JsonFiles::describe))
                .containsExactly("null", "an object", "an array", "a string", "a boolean", "a number", "a number");
    }
}

package prefdyn.reference.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON (RFC 8259) of prefdyn's files — {@code config.json}, the JSONL lines of metrics, dynamics and pairs, run
 * manifests, safetensors headers, Hugging Face's {@code vocab.json} — read and written by Jackson's streaming
 * parser and generator ({@code jackson-core}), as plain Java values.
 *
 * <p>Values: object → {@code LinkedHashMap<String,Object>} (key order kept), array → {@code ArrayList<Object>},
 * string → {@code String}, number → {@code Long} when it is an integer that fits, otherwise {@code Double}, {@code
 * true/false} → {@code Boolean}, {@code null} → {@code null}. Reading is strict: a duplicate key, a comment, a
 * trailing comma, NaN, a leading zero, an unescaped control character or anything after the value is an error
 * ({@link JsonException}, naming the line and column). Writing is compact and deterministic: keys in the map's
 * order, integers ({@code Integer}, {@code Long}) as digits, every other number as {@link Double#toString} of its
 * double value (the shortest decimal that reads back to the same double), non-ASCII characters as themselves and
 * control characters escaped; NaN and infinities are refused.
 */
public final class JsonFiles {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE) // "\u001f", as Python's json.dumps writes it
            .build();

    private JsonFiles() {
    }

    /** A JSON syntax error, with the 1-based line and column where it was found. */
    public static final class JsonException extends IllegalArgumentException {
        private final int line;
        private final int column;

        JsonException(String message, int line, int column, Throwable cause) {
            super(message + " at line " + line + ", column " + column, cause);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** Parses one JSON value; anything but whitespace after it is an error. */
    public static Object parse(CharSequence text) {
        try (JsonParser parser = FACTORY.createParser(text.toString())) {
            try {
                if (parser.nextToken() == null) {
                    throw new JsonException("expected a JSON value, got only whitespace", 1, 1, null);
                }
                Object value = readValue(parser);
                if (parser.nextToken() != null) {
                    throw error("unexpected content after the JSON value", parser.currentTokenLocation(), null);
                }
                return value;
            } catch (JsonProcessingException invalid) {
                JsonLocation where = invalid.getLocation() != null ? invalid.getLocation() : parser.currentLocation();
                throw error(invalid.getOriginalMessage(), where, invalid);
            }
        } catch (IOException unreadable) { // a String source has no I/O to fail
            throw new UncheckedIOException(unreadable);
        }
    }

    /** Parses a JSON object; a valid JSON value of another kind is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(CharSequence text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new JsonException("expected a JSON object, got " + describe(value), 1, 1, null);
        }
        return (Map<String, Object>) value;
    }

    /** Writes a value built from maps, lists, strings, numbers, booleans, nulls, int[] and double[] as compact JSON. */
    public static String write(Object value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            writeValue(value, generator);
        } catch (IOException unwritable) { // a StringWriter has no I/O to fail
            throw new UncheckedIOException(unwritable);
        }
        return text.toString();
    }

    /**
     * A JSON object with one top-level key per line and nested values compact, as a person reads a
     * {@code config.json}: {@code {\n  "key": value,\n  ...\n}\n}.
     */
    public static String writeOneKeyPerLine(Map<String, ?> object) {
        StringBuilder text = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, ?> entry : object.entrySet()) {
            text.append("  ").append(write(entry.getKey())).append(": ").append(write(entry.getValue()));
            text.append(++i < object.size() ? ",\n" : "\n");
        }
        return text.append("}\n").toString();
    }

    /** A short description of a parsed value's JSON type, for error messages. */
    public static String describe(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof Map) {
            return "an object";
        } else if (value instanceof List) {
            return "an array";
        } else if (value instanceof String) {
            return "a string";
        } else if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    /** The value whose first token is the parser's current one; leaves the parser on its last token. */
    private static Object readValue(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) { // a repeated key: STRICT_DUPLICATE_DETECTION
                    String key = parser.currentName();
                    parser.nextToken();
                    object.put(key, readValue(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(parser));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (Object) parser.getDoubleValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("the parser gave " + parser.currentToken() + " for a value");
        };
    }

    private static void writeValue(Object value, JsonGenerator out) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String string) {
            out.writeString(string);
        } else if (value instanceof Boolean flag) {
            out.writeBoolean(flag);
        } else if (value instanceof Integer || value instanceof Long) {
            out.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON cannot represent " + d);
            }
            out.writeNumber(d); // Double.toString(d)
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(entry.getValue(), out);
            }
            out.writeEndObject();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object element : list) {
                writeValue(element, out);
            }
            out.writeEndArray();
        } else if (value instanceof int[] ints) {
            out.writeArray(ints, 0, ints.length);
        } else if (value instanceof double[] doubles) {
            writeValue(Arrays.stream(doubles).boxed().toList(), out);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    /**
     * A one-line message in Jackson's words, less what does not apply to a file the user hands prefdyn: the
     * (redacted) source, and hints to enable parser features that prefdyn keeps off.
     */
    private static JsonException error(String message, JsonLocation where, Throwable cause) {
        String oneLine = message
                .replaceAll("\\[Source: [^;\\]]*; ", "[")
                .replaceAll(":? *enable `[^`]+` to allow", "")
                .replaceAll(" \\(not recognized as one since Feature '\\w+' not enabled for parser\\)", "")
                .replaceAll("end-of-input(?=\\p{Alpha})", "end-of-input: ")
                .replaceAll("\\s+", " ").trim();
        return new JsonException(oneLine, Math.max(1, where.getLineNr()), Math.max(1, where.getColumnNr()), cause);
    }
}

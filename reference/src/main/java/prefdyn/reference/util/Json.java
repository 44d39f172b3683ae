package prefdyn.reference.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer (RFC 8259), so that the reference needs no library for
 * {@code config.json}, safetensors headers and JSONL files.
 *
 * <p>Values map to Java as: object → {@code LinkedHashMap<String,Object>} (key order kept), array →
 * {@code ArrayList<Object>}, string → {@code String}, number → {@code Long} when it is an integer that fits,
 * otherwise {@code Double}, {@code true/false} → {@code Boolean}, {@code null} → {@code null}.
 * A syntax error throws {@link JsonException} naming the line and column.
 */
public final class Json {

    private Json() {
    }

    /** A JSON syntax error, with the 1-based line and column where it was found. */
    public static final class JsonException extends IllegalArgumentException {
        private final int line;
        private final int column;

        JsonException(String message, int line, int column) {
            super(message + " at line " + line + ", column " + column);
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
        Parser parser = new Parser(text);
        parser.skipWhitespace();
        Object value = parser.readValue();
        parser.skipWhitespace();
        if (parser.position < text.length()) {
            throw parser.error("unexpected content after the JSON value");
        }
        return value;
    }

    /** Parses a JSON object; a valid JSON value of another kind is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(CharSequence text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new JsonException("expected a JSON object, got " + describe(value), 1, 1);
        }
        return (Map<String, Object>) value;
    }

    /** Writes a value built from maps, lists, strings, numbers, booleans and nulls as compact JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
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

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String string) {
            writeString(string, out);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON cannot represent " + d);
            }
            out.append(Double.toString(d));
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof int[] ints) {
            List<Object> list = new ArrayList<>();
            for (int i : ints) {
                list.add(i);
            }
            write(list, out);
        } else if (value instanceof double[] doubles) {
            List<Object> list = new ArrayList<>();
            for (double d : doubles) {
                list.add(d);
            }
            write(list, out);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeString(String string, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < string.length(); i++) {
            char c = string.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static final class Parser {
        private final CharSequence text;
        private int position;

        Parser(CharSequence text) {
            this.text = text;
        }

        JsonException error(String message) {
            int line = 1;
            int column = 1;
            for (int i = 0; i < Math.min(position, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return new JsonException(message, line, column);
        }

        void skipWhitespace() {
            while (position < text.length()) {
                char c = text.charAt(position);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    position++;
                } else {
                    break;
                }
            }
        }

        Object readValue() {
            if (position >= text.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = text.charAt(position);
            return switch (c) {
                case '{' -> readObject();
                case '[' -> readArray();
                case '"' -> readString();
                case 't' -> readLiteral("true", Boolean.TRUE);
                case 'f' -> readLiteral("false", Boolean.FALSE);
                case 'n' -> readLiteral("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield readNumber();
                    }
                    throw error("unexpected character '" + c + "', expected a value");
                }
            };
        }

        Object readLiteral(String literal, Object value) {
            for (int i = 0; i < literal.length(); i++) {
                if (position + i >= text.length() || text.charAt(position + i) != literal.charAt(i)) {
                    throw error("invalid literal, expected '" + literal + "'");
                }
            }
            position += literal.length();
            return value;
        }

        Map<String, Object> readObject() {
            Map<String, Object> object = new LinkedHashMap<>();
            position++; // '{'
            skipWhitespace();
            if (peek() == '}') {
                position++;
                return object;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                String key = readString();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (object.containsKey(key)) {
                    throw error("duplicate key \"" + key + "\"");
                }
                object.put(key, readValue());
                skipWhitespace();
                char next = peek();
                position++;
                if (next == '}') {
                    return object;
                }
                if (next != ',') {
                    position--;
                    throw error("expected ',' or '}' in object");
                }
            }
        }

        List<Object> readArray() {
            List<Object> array = new ArrayList<>();
            position++; // '['
            skipWhitespace();
            if (peek() == ']') {
                position++;
                return array;
            }
            while (true) {
                skipWhitespace();
                array.add(readValue());
                skipWhitespace();
                char next = peek();
                position++;
                if (next == ']') {
                    return array;
                }
                if (next != ',') {
                    position--;
                    throw error("expected ',' or ']' in array");
                }
            }
        }

        String readString() {
            position++; // opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                if (position >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(position++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    position--;
                    throw error("control character in string (escape it)");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (position >= text.length()) {
                    throw error("unterminated escape");
                }
                char escape = text.charAt(position++);
                switch (escape) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(position + i), 16);
                            if (digit < 0) {
                                throw error("invalid hex digit in \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        position += 4;
                        out.append((char) code);
                    }
                    default -> {
                        position--;
                        throw error("invalid escape '\\" + escape + "'");
                    }
                }
            }
        }

        Object readNumber() {
            int start = position;
            if (peek() == '-') {
                position++;
            }
            if (peek() == '0') {
                position++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    position++;
                }
            } else {
                throw error("invalid number");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                position++;
                if (!isDigit(peek())) {
                    throw error("expected a digit after the decimal point");
                }
                while (isDigit(peek())) {
                    position++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                position++;
                if (peek() == '+' || peek() == '-') {
                    position++;
                }
                if (!isDigit(peek())) {
                    throw error("expected a digit in the exponent");
                }
                while (isDigit(peek())) {
                    position++;
                }
            }
            String literal = text.subSequence(start, position).toString();
            if (integral) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException tooLarge) {
                    return Double.parseDouble(literal);
                }
            }
            return Double.parseDouble(literal);
        }

        private char peek() {
            return position < text.length() ? text.charAt(position) : '\0';
        }

        private void expect(char expected) {
            if (peek() != expected) {
                throw error("expected '" + expected + "'");
            }
            position++;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}

package prefdyn.cli.reproduce;

import java.util.List;
import java.util.regex.Pattern;

/** Arguments written as one POSIX shell command line, each quoted where the shell would otherwise change it. */
final class ShellWords {

    /** Characters that mean nothing to a POSIX shell inside a word. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./,=:+@%^-]+");

    private ShellWords() {
    }

    /** {@code word} as the shell reads it back: itself if plain, else in single quotes ({@code '} as {@code '\''}). */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The words quoted and joined by single spaces. */
    static String join(List<String> words) {
        return String.join(" ", words.stream().map(ShellWords::quote).toList());
    }
}

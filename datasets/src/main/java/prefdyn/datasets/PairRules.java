package prefdyn.datasets;

import java.util.Locale;

/**
 * How text pairs become token pairs for a model of context T ({@code docs/paper-map.md}, "Pair data rules").
 *
 * <p>{@link Kind#TRL} (the default) follows TRL's {@code DPOTrainer}: an end-of-text token is appended to the chosen
 * and the rejected response (and scored: it is a response token), and a sequence prompt + response is truncated
 * only where it exceeds {@code maxLength} (TRL's {@code max_length}; here at most T, by default T), by
 * {@code truncationMode} (TRL's {@code truncation_mode}); {@code maxPromptLength} and {@code maxCompletionLength}
 * (TRL ≤ 0.19's {@code max_prompt_length}, which keeps a prompt's last tokens, and {@code max_completion_length},
 * which keeps a response's first; 0 = none, the default) cut before that.
 *
 * <p>{@link Kind#PREFDYN_V1} is the rule of prefdyn's committed findings: no end-of-text, the prompt cut to its
 * first T/2 tokens and each response to its first T − T/2 tokens whether or not the pair fits, at whole characters
 * ({@link TokenBudget#keepStart}); the TRL fields are unused.
 *
 * @param kind                which rules
 * @param truncationMode      TRL rules: where a too-long sequence is cut
 * @param maxLength           TRL rules: the longest sequence prompt + response, in [2, T]; 0 = T
 * @param maxPromptLength     TRL rules: the longest prompt (its last tokens kept); 0 = no limit
 * @param maxCompletionLength TRL rules: the longest response, end-of-text included (its first tokens kept); 0 = no
 *                            limit
 */
public record PairRules(Kind kind, TruncationMode truncationMode, int maxLength, int maxPromptLength,
                        int maxCompletionLength) {

    /** Which data rules. */
    public enum Kind {
        TRL, PREFDYN_V1;

        /** The command-line and {@code config.json} name: {@code trl} or {@code prefdyn-v1}. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses {@link #cliName}. */
        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.cliName().equals(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("data rules '" + name + "': expected trl or prefdyn-v1");
        }
    }

    /** TRL's {@code truncation_mode}. */
    public enum TruncationMode {
        /** Cut a sequence's end (the response's last tokens); a pair whose prompt alone fills max_length is dropped. */
        KEEP_START,
        /** Cut a sequence's start (the prompt's first tokens, keeping at least one; then the response's first). */
        KEEP_END;

        /** The command-line and {@code config.json} name: {@code keep_start} or {@code keep_end} (TRL's). */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@link #cliName}. */
        public static TruncationMode parse(String name) {
            for (TruncationMode mode : values()) {
                if (mode.cliName().equals(name)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("truncation mode '" + name + "': expected keep_start or keep_end");
        }
    }

    public PairRules {
        if (kind == null || truncationMode == null) {
            throw new IllegalArgumentException("kind and truncationMode must be given");
        }
        if (maxLength != 0 && maxLength < 2) {
            throw new IllegalArgumentException("max-length: expected 0 (the model's context) or at least 2, got "
                    + maxLength);
        }
        if (maxPromptLength < 0 || maxCompletionLength < 0) {
            throw new IllegalArgumentException("max-prompt-length and max-completion-length: expected 0 (no limit) "
                    + "or a positive number of tokens, got " + maxPromptLength + " and " + maxCompletionLength);
        }
    }

    /** TRL's rules with its defaults here: keep_start, max_length = T, no prompt or completion limit. */
    public static PairRules trl() {
        return new PairRules(Kind.TRL, TruncationMode.KEEP_START, 0, 0, 0);
    }

    /** The rules of prefdyn's committed findings. */
    public static PairRules prefdynV1() {
        return new PairRules(Kind.PREFDYN_V1, TruncationMode.KEEP_START, 0, 0, 0);
    }

    /** Whether responses end in end-of-text. */
    public boolean appendsEndOfText() {
        return kind == Kind.TRL;
    }

    /** max_length for a model of context {@code contextLength}: {@code maxLength}, or T when 0. */
    public int maxLength(int contextLength) {
        if (maxLength > contextLength) {
            throw new IllegalArgumentException("max-length " + maxLength + " exceeds the model's context "
                    + contextLength);
        }
        return maxLength == 0 ? contextLength : maxLength;
    }
}

package prefdyn.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.tokenizer.Tokenizer;

/**
 * Text pairs (a TRL JSONL file's {@code prompt}, {@code chosen}, {@code rejected}) as token pairs for the trainers,
 * by {@link PairRules}, counting every truncation and every dropped pair so that a run can report them.
 *
 * <p>TRL rules, per pair: p = encode(prompt), c = encode(chosen) + [EOS], r = encode(rejected) + [EOS]; a
 * {@code maxPromptLength} keeps p's last tokens, a {@code maxCompletionLength} c's and r's first; then with
 * L = max_length: {@code keep_start} drops a pair whose prompt alone has L tokens or more (TRL drops it too) and
 * cuts c and r to their first L − |p| tokens; {@code keep_end} cuts the prompt's first tokens until p + the longer
 * response fits (keeping at least one prompt token), then c and r to their last L − |p| tokens. TRL's
 * {@code keep_end} cuts each of the two sequences on its own, so where the shorter response would fit with more
 * of the prompt, prefdyn's shared prompt is the one the longer response leaves room for (one prompt per pair).
 * Under either rules a pair with an empty prompt or response, or whose two responses are identical, is dropped.
 */
public final class PairEncoder {

    private PairEncoder() {
    }

    /**
     * What encoding did to the pairs: how many came in and were kept, how many of the kept pairs had their
     * prompt, chosen or rejected response truncated, and how many were dropped, by reason.
     */
    public record Counts(int pairs, int kept, int promptsTruncated, int chosenTruncated, int rejectedTruncated,
                         int droppedIdentical, int droppedEmpty, int droppedPromptFillsContext) {

        /** The counts as {@code config.json} fields. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("pairs", pairs);
            json.put("kept", kept);
            json.put("prompts_truncated", promptsTruncated);
            json.put("chosen_truncated", chosenTruncated);
            json.put("rejected_truncated", rejectedTruncated);
            json.put("dropped_identical", droppedIdentical);
            json.put("dropped_empty", droppedEmpty);
            json.put("dropped_prompt_fills_context", droppedPromptFillsContext);
            return json;
        }

        /** One line for a run's log. */
        public String summary() {
            return String.format(Locale.ROOT, "%d of %d pairs kept; truncated: %d prompts, %d chosen, %d rejected; "
                            + "dropped: %d identical, %d empty, %d whose prompt fills max_length",
                    kept, pairs, promptsTruncated, chosenTruncated, rejectedTruncated, droppedIdentical, droppedEmpty,
                    droppedPromptFillsContext);
        }
    }

    /** The kept token pairs, in order, and the counts. */
    public record Result(List<PreferenceExample> examples, Counts counts) {
    }

    /**
     * Encodes {@code pairs} for a model with {@code tokenizer} and context {@code contextLength}.
     */
    public static Result encode(List<PreferencePair> pairs, Tokenizer tokenizer, int contextLength, PairRules rules) {
        List<PreferenceExample> examples = new ArrayList<>();
        int promptsTruncated = 0;
        int chosenTruncated = 0;
        int rejectedTruncated = 0;
        int identical = 0;
        int empty = 0;
        int promptFills = 0;
        int maxLength = rules.maxLength(contextLength);
        for (PreferencePair pair : pairs) {
            int[] prompt = tokenizer.encode(pair.prompt());
            int[] chosen = tokenizer.encode(pair.chosen());
            int[] rejected = tokenizer.encode(pair.rejected());
            int[] p;
            int[] c;
            int[] r;
            if (rules.kind() == PairRules.Kind.PREFDYN_V1) {
                p = TokenBudget.keepStart(tokenizer, prompt, ImdbModels.promptBudget(contextLength));
                c = TokenBudget.keepStart(tokenizer, chosen, ImdbModels.responseBudget(contextLength));
                r = TokenBudget.keepStart(tokenizer, rejected, ImdbModels.responseBudget(contextLength));
            } else {
                p = prompt;
                c = withEndOfText(chosen, tokenizer.endOfText());
                r = withEndOfText(rejected, tokenizer.endOfText());
                if (rules.maxPromptLength() > 0) {
                    p = keepLast(p, rules.maxPromptLength());
                }
                if (rules.maxCompletionLength() > 0) {
                    c = keepFirst(c, rules.maxCompletionLength());
                    r = keepFirst(r, rules.maxCompletionLength());
                }
                if (p.length > 0 && rules.truncationMode() == PairRules.TruncationMode.KEEP_START) {
                    if (p.length >= maxLength) {
                        promptFills++;
                        continue;
                    }
                    c = keepFirst(c, maxLength - p.length);
                    r = keepFirst(r, maxLength - p.length);
                } else if (p.length > 0) {
                    int longest = Math.max(c.length, r.length);
                    p = keepLast(p, Math.max(1, maxLength - longest));
                    c = keepLast(c, maxLength - p.length);
                    r = keepLast(r, maxLength - p.length);
                }
            }
            if (p.length == 0 || c.length == 0 || r.length == 0) {
                empty++;
                continue;
            }
            if (Arrays.equals(c, r)) {
                identical++;
                continue;
            }
            boolean chosenCut = c.length < chosen.length + (rules.appendsEndOfText() ? 1 : 0);
            boolean rejectedCut = r.length < rejected.length + (rules.appendsEndOfText() ? 1 : 0);
            promptsTruncated += p.length < prompt.length ? 1 : 0;
            chosenTruncated += chosenCut ? 1 : 0;
            rejectedTruncated += rejectedCut ? 1 : 0;
            examples.add(new PreferenceExample(p, c, r));
        }
        return new Result(examples, new Counts(pairs.size(), examples.size(), promptsTruncated, chosenTruncated,
                rejectedTruncated, identical, empty, promptFills));
    }

    private static int[] withEndOfText(int[] ids, int endOfText) {
        int[] longer = Arrays.copyOf(ids, ids.length + 1);
        longer[ids.length] = endOfText;
        return longer;
    }

    private static int[] keepFirst(int[] ids, int n) {
        return ids.length <= n ? ids : Arrays.copyOf(ids, n);
    }

    private static int[] keepLast(int[] ids, int n) {
        return ids.length <= n ? ids : Arrays.copyOfRange(ids, ids.length - n, ids.length);
    }
}

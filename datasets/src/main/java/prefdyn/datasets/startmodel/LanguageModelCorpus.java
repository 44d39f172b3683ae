package prefdyn.datasets.startmodel;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Reviews as one stream of tokens for language-model pre-training, as GPT-2's WebText and nanoGPT's
 * {@code prepare.py} lay documents out: each document's tokens preceded by end-of-text, the stream closed by one
 * more, so the model learns where a review starts and where it stops.
 */
public final class LanguageModelCorpus {

    private LanguageModelCorpus() {
    }

    /**
     * The token stream ⟨eot⟩ text₀ ⟨eot⟩ text₁ … ⟨eot⟩.
     *
     * @return [N] token ids
     */
    public static int[] stream(List<String> texts, Tokenizer tokenizer) {
        int[][] encoded = new int[texts.size()][];
        long total = 1;
        for (int i = 0; i < texts.size(); i++) {
            encoded[i] = tokenizer.encode(texts.get(i));
            total += encoded[i].length + 1;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the corpus has " + total + " tokens, more than one array holds");
        }
        int[] stream = new int[(int) total];
        int at = 0;
        for (int[] ids : encoded) {
            stream[at++] = tokenizer.endOfText();
            System.arraycopy(ids, 0, stream, at, ids.length);
            at += ids.length;
        }
        stream[at] = tokenizer.endOfText();
        return stream;
    }

    /**
     * The stream cut into training windows of the context length T ({@link SftTrainer#plainText}): window k holds
     * tokens k(T−1) … k(T−1)+T−1, its first token is the context and the rest are scored, so every token after the
     * stream's first is predicted exactly once per epoch.
     */
    public static List<PromptResponse> windows(int[] stream, int contextLength) {
        return SftTrainer.plainText(List.of(stream), contextLength);
    }

    /** {@code [eot] + text}: one held-out document as it appears in the stream. */
    public static int[] document(String text, Tokenizer tokenizer) {
        int[] ids = tokenizer.encode(text);
        int[] withStart = new int[ids.length + 1];
        withStart[0] = tokenizer.endOfText();
        System.arraycopy(ids, 0, withStart, 1, ids.length);
        return withStart;
    }

    /** The token count of {@code stream} without its end-of-text separators. */
    public static long textTokens(int[] stream, Tokenizer tokenizer) {
        return Arrays.stream(stream).filter(id -> id != tokenizer.endOfText()).count();
    }
}

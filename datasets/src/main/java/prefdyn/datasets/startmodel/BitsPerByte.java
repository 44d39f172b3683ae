package prefdyn.datasets.startmodel;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.sft.SftTrainer;
import prefdyn.reference.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Held-out cross-entropy in bits per byte of text, the unit that compares models with different tokenizers
 * (a byte-level and a BPE model predict the same bytes with different numbers of tokens):
 *
 * <pre>
 *   bits/byte = Σ_documents Σ_tokens −log₂ π(token | prefix)  ÷  Σ_documents UTF-8 bytes of the document
 * </pre>
 * Each document is scored as the stream shows it, after an end-of-text token and in windows of the context length
 * that overlap by one token ({@link SftTrainer#plainText}), so every one of its tokens is predicted once and the
 * end-of-text that would follow it is not counted (its bytes are none).
 */
public final class BitsPerByte {

    /** The measurement: bits per byte, with the totals it was computed from. */
    public record Measurement(double bitsPerByte, double nats, long tokens, long bytes, int documents) {

        /** Nats per token, the unit of the training loss. */
        public double natsPerToken() {
            return nats / tokens;
        }
    }

    private BitsPerByte() {
    }

    /**
     * Scores {@code texts} with the engine's current parameters (a forward pass only; gradients untouched).
     *
     * @param batchSize windows per forward pass
     */
    public static Measurement measure(PolicyEngine engine, Tokenizer tokenizer, List<String> texts, int batchSize) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no held-out texts to score");
        }
        int contextLength = engine.config().contextLength();
        List<PromptResponse> windows = new ArrayList<>();
        long bytes = 0;
        for (String text : texts) {
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            int[] document = LanguageModelCorpus.document(text, tokenizer);
            if (document.length >= 2) {
                windows.addAll(SftTrainer.plainText(List.of(document), contextLength));
            }
        }
        double nats = 0;
        long tokens = 0;
        for (int start = 0; start < windows.size(); start += batchSize) {
            List<PromptResponse> batch = windows.subList(start, Math.min(windows.size(), start + batchSize));
            ForwardResult result = engine.forward(SequenceBatches.of(batch, contextLength));
            for (int b = 0; b < batch.size(); b++) {
                nats -= result.sequenceLogProbs()[b];
                tokens += batch.get(b).response().length;
            }
        }
        return new Measurement(nats / Math.log(2) / bytes, nats, tokens, bytes, texts.size());
    }
}

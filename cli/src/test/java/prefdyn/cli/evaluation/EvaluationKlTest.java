package prefdyn.cli.evaluation;

import org.junit.jupiter.api.Test;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Evaluation#kl} in chunks of {@value Evaluation#KL_CHUNK} sequences equals the mean over one batch. */
class EvaluationKlTest {

    private static final GptConfig SMALL = new GptConfig(13, 8, 1, 2, 16, false, false);

    @Test
    void klInChunksEqualsTheMeanOverOneBatch() {
        ReferenceEngine policy = ReferenceEngine.initialized(SMALL, 1, Parallel.sequential());
        ReferenceEngine reference = ReferenceEngine.initialized(SMALL, 2, Parallel.sequential());
        Random random = new Random(7);
        List<PromptResponse> samples = new ArrayList<>();
        for (int i = 0; i < 2 * Evaluation.KL_CHUNK + 5; i++) { // three chunks, the last one short
            int[] prompt = new int[1 + random.nextInt(3)];
            int[] response = new int[1 + random.nextInt(5)];
            for (int t = 0; t < prompt.length; t++) {
                prompt[t] = random.nextInt(SMALL.vocabSize());
            }
            for (int t = 0; t < response.length; t++) {
                response[t] = random.nextInt(SMALL.vocabSize());
            }
            samples.add(new PromptResponse(prompt, response));
        }
        ForwardResult own = policy.forward(SequenceBatches.of(samples, SMALL.contextLength()));
        ForwardResult ref = reference.forward(SequenceBatches.of(samples, SMALL.contextLength()));
        double sum = 0;
        for (int b = 0; b < samples.size(); b++) {
            sum += own.sequenceLogProbs()[b] - ref.sequenceLogProbs()[b];
        }
        double oneBatch = sum / samples.size();

        double chunked = Evaluation.kl(policy, reference, samples);

        assertThat(oneBatch).isNotZero();
        assertThat(chunked).isEqualTo(oneBatch);
    }
}

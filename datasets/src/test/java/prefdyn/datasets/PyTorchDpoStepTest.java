package prefdyn.datasets;

import org.junit.jupiter.api.Test;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.checkpoint.SafeTensors;
import prefdyn.reference.checkpoint.TensorData;
import prefdyn.reference.dpo.DpoLoss;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTerms;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.util.Parallel;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference against PyTorch: one DPO step of the committed start model on two pairs, recomputed by the
 * reference and compared with the file {@code bench/pytorch/known_answer.py} wrote with PyTorch in float64 (log-probs
 * per token and per sequence, margins, ω, the loss and the gradient of every tensor). The model is the one the
 * file's metadata names ({@code model_resource}), so the file and the model are regenerated together
 * ({@code bench/pytorch/README.md}).
 *
 * <p>Tolerance: max |reference − PyTorch| / max |PyTorch| ≤ 1e-12 for each quantity and each gradient tensor. Two
 * float64 implementations that add in different orders differ by rounding: measured on this file, 6.3e-15 at worst
 * ({@code grad.h.1.ln_1.bias}; the margins 4.8e-15). A wrong layer, sign or index is wrong by far more than 1e-12.
 */
class PyTorchDpoStepTest {

    private static final String DUMP = "/prefdyn/datasets/pytorch-dpo-step.safetensors";
    private static final double RELATIVE_TOLERANCE = 1e-12;

    @Test
    void theReferenceReproducesPyTorchsDpoStepOfTheCommittedModel() throws Exception {
        SafeTensors.Contents dump = SafeTensors.read(resource(DUMP));
        Map<String, TensorData> tensors = dump.tensors();
        String model = Objects.requireNonNull(dump.metadata().get("model_resource"), "model_resource");
        assertThat(dump.metadata()).containsEntry("loss_type", "sigmoid");
        double beta = Double.parseDouble(dump.metadata().get("beta"));
        LoadedCheckpoint checkpoint = ImdbModels.fromClasspath(model);
        ReferenceEngine engine = new ReferenceEngine(new GptModel(checkpoint.config(), Parallel.sequential()));
        engine.setParameters(checkpoint.parameters());

        TokenBatch batch = batch(tensors);
        int rows = batch.batchSize();
        int pairs = rows / 2;
        ForwardResult forward = engine.forward(batch);
        double[] logProbs = forward.sequenceLogProbs().clone();
        double[] tokenLogProbs = new double[rows * batch.width()];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < batch.width(); t++) {
                tokenLogProbs[b * batch.width() + t] = batch.responseMask()[b][t] ? forward.tokenLogProbs()[b][t] : 0;
            }
        }
        assertRelative("policy_logps", logProbs, tensors);
        assertRelative("policy_token_logps", tokenLogProbs, tensors);

        double[] referenceLogProbs = tensors.get("reference_logps").doubles();
        int[] lengths = new int[rows];
        for (int b = 0; b < rows; b++) {
            lengths[b] = batch.responseTokenCount(b);
        }
        DpoTerms terms = DpoLoss.compute(DpoSettings.standard(beta, 1), 0, Arrays.copyOfRange(logProbs, 0, pairs),
                Arrays.copyOfRange(logProbs, pairs, rows), Arrays.copyOfRange(referenceLogProbs, 0, pairs),
                Arrays.copyOfRange(referenceLogProbs, pairs, rows), Arrays.copyOfRange(lengths, 0, pairs),
                Arrays.copyOfRange(lengths, pairs, rows));
        assertRelative("margins", terms.margins(), tensors);
        assertRelative("omega", terms.omega(), tensors);
        assertRelative("loss", new double[] {terms.loss()}, tensors);

        double[][] seeds = new double[rows][batch.width()];
        for (int b = 0; b < rows; b++) {
            double coefficient = b < pairs ? terms.chosenCoefficient()[b] : terms.rejectedCoefficient()[b - pairs];
            for (int t = 0; t < batch.width(); t++) {
                seeds[b][t] = batch.responseMask()[b][t] ? coefficient : 0;
            }
        }
        engine.zeroGradients();
        engine.backward(BackwardSeeds.ofTokenLogProbs(seeds));
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        int compared = 0;
        for (TensorView view : engine.layout().tensors()) {
            String name = "grad." + view.name();
            assertThat(tensors).as("the dump's tensors").containsKey(name);
            assertThat(tensors.get(name).shape()).as(name).containsExactly(view.shape());
            assertRelative(name, Arrays.copyOfRange(gradient, view.offset(), view.end()), tensors);
            compared++;
        }
        assertThat(compared).as("gradient tensors compared")
                .isEqualTo(tensors.keySet().stream().filter(n -> n.startsWith("grad.")).count());
    }

    /** The dump's batch: tokens, lengths from the attention mask and the response mask. */
    private static TokenBatch batch(Map<String, TensorData> tensors) {
        int[] shape = tensors.get("input_ids").shape();
        int rows = shape[0];
        int width = shape[1];
        long[] ids = tensors.get("input_ids").longs();
        int[] attention = tensors.get("attention_mask").ints();
        int[] response = tensors.get("response_mask").ints();
        int[][] tokens = new int[rows][width];
        int[] lengths = new int[rows];
        boolean[][] responseMask = new boolean[rows][width];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < width; t++) {
                tokens[b][t] = Math.toIntExact(ids[b * width + t]);
                lengths[b] += attention[b * width + t];
                responseMask[b][t] = response[b * width + t] == 1;
            }
        }
        return new TokenBatch(tokens, lengths, responseMask);
    }

    private static void assertRelative(String name, double[] actual, Map<String, TensorData> tensors) {
        assertThat(tensors).as("the dump's tensors").containsKey(name);
        double[] expected = tensors.get(name).doubles();
        assertThat(actual).as(name).hasSameSizeAs(expected);
        double scale = 0;
        double difference = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            difference = Math.max(difference, Math.abs(actual[i] - expected[i]));
        }
        assertThat(scale).as(name + ": the PyTorch values are not all zero").isGreaterThan(0.0);
        assertThat(difference / scale).as(name + ": max |reference − PyTorch| / max |PyTorch|")
                .isLessThanOrEqualTo(RELATIVE_TOLERANCE);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(PyTorchDpoStepTest.class.getResource(name), name).toURI());
    }
}

package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.datasets.PairEncoder;
import prefdyn.datasets.PairRules;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.tokenizer.ByteTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import prefdyn.datasets.PairFile;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.DType;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.checkpoint.SafeTensors;
import prefdyn.reference.checkpoint.TensorData;
import prefdyn.reference.dpo.DpoLoss;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTerms;
import prefdyn.reference.dpo.DpoVariant;
import prefdyn.reference.dpo.PairBatch;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code prefdyn grad}'s file re-loads and equals, bit for bit, a DPO step computed here with the reference. */
class GradCommandTest {

    @TempDir
    Path dir;

    /**
     * Every loss the trainer has, by {@code --loss-type} (TRL's names), with the conservative and robust losses' ε
     * and SimPO's γ (not its default).
     */
    @ParameterizedTest
    @EnumSource(DpoLossType.class)
    void theDumpMatchesTheInProcessDpoStepExactly(DpoLossType lossType) throws IOException {
        double smoothing = lossType == DpoLossType.CONSERVATIVE || lossType == DpoLossType.ROBUST ? 0.1 : 0.0;
        double gamma = 0.3;
        List<String> simpo = lossType == DpoLossType.SIMPO ? List.of("--simpo-gamma", Double.toString(gamma))
                : List.of();
        Path policyDir = Cli.smallCheckpoint(dir.resolve("policy"));
        Path referenceDir = dir.resolve("reference");
        LoadedCheckpoint policyCheckpoint = Checkpoint.load(policyDir);
        double[] shifted = policyCheckpoint.parameters().clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1e-3 * Math.sin(i); // a reference that differs from the policy, so the margins are not 0
        }
        Checkpoint.save(referenceDir, policyCheckpoint.config(), shifted);
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path out = dir.resolve("step.safetensors");
        double beta = 0.25;

        List<String> args = new java.util.ArrayList<>(List.of("grad", "--checkpoint", policyDir.toString(),
                "--reference", referenceDir.toString(), "--pairs", pairs.toString(), "--objective", "dpo", "--beta",
                Double.toString(beta), "--loss-type", lossType.trlName(), "--label-smoothing",
                Double.toString(smoothing), "--out", out.toString(), "--threads", "2"));
        args.addAll(simpo);
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("4 of 4 pairs");

        // The same step, computed here from the reference's parts.
        List<PreferenceExample> examples = PairEncoder.encode(PairFile.read(pairs), ByteTokenizer.asTokenizer(),
                Cli.SMALL.contextLength(), PairRules.trl()).examples();
        ReferenceEngine policy = engine(policyCheckpoint.parameters());
        ReferenceEngine reference = engine(shifted);
        PairBatch batch = new PairBatch(examples, Cli.SMALL.contextLength());
        double[] referenceLogProbs = reference.forward(batch.batch()).sequenceLogProbs().clone();
        ForwardResult forward = policy.forward(batch.batch());
        double[] policyLogProbs = forward.sequenceLogProbs().clone();
        DpoSettings settings = DpoSettings.of(beta, DpoVariant.STANDARD, 1).withLossType(lossType, smoothing)
                .withSimpoGamma(simpo.isEmpty() ? DpoSettings.DEFAULT_SIMPO_GAMMA : gamma);
        DpoTerms terms = DpoLoss.compute(settings, 0, batch.chosen(policyLogProbs), batch.rejected(policyLogProbs),
                batch.chosen(referenceLogProbs), batch.rejected(referenceLogProbs), batch.chosenLengths(),
                batch.rejectedLengths());
        double[] gradient = gradient(policy, terms.chosenCoefficient(), terms.rejectedCoefficient(), batch);
        double[] positive = gradient(policy, terms.chosenCoefficient(), new double[4], batch);
        double[] negative = gradient(policy, new double[4], terms.rejectedCoefficient(), batch);

        SafeTensors.Contents contents = SafeTensors.read(out);
        var tensors = contents.tensors();
        TokenBatch tokens = batch.batch();
        int rows = tokens.batchSize();
        int width = tokens.width();
        assertThat(tensors.get("input_ids").dtype()).isEqualTo(DType.I64);
        assertThat(tensors.get("input_ids").shape()).containsExactly(rows, width);
        assertThat(tensors.get("attention_mask").dtype()).isEqualTo(DType.I32);
        assertThat(tensors.get("response_mask").dtype()).isEqualTo(DType.I32);
        int[] ids = tensors.get("input_ids").ints();
        int[] attention = tensors.get("attention_mask").ints();
        int[] response = tensors.get("response_mask").ints();
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < width; t++) {
                assertThat(ids[b * width + t]).isEqualTo(tokens.tokens()[b][t]);
                assertThat(attention[b * width + t]).isEqualTo(t < tokens.lengths()[b] ? 1 : 0);
                assertThat(response[b * width + t]).isEqualTo(tokens.responseMask()[b][t] ? 1 : 0);
            }
        }
        assertThat(tensors.get("policy_logps").doubles()).containsExactly(policyLogProbs);
        assertThat(tensors.get("reference_logps").doubles()).containsExactly(referenceLogProbs);
        assertThat(tensors.get("omega").doubles()).containsExactly(terms.omega());
        assertThat(tensors.get("loss").shape()).isEmpty();
        assertThat(tensors.get("loss").doubles()).containsExactly(terms.loss());
        assertThat(terms.loss()).isNotCloseTo(DpoLoss.compute(settings, 0, new double[4], new double[4],
                new double[4], new double[4], batch.chosenLengths(), batch.rejectedLengths()).loss(), within(1e-6));

        int tensorsChecked = 0;
        for (TensorView view : policy.layout().tensors()) {
            for (String prefix : List.of("grad.", "grad_positive.", "grad_negative.")) {
                TensorData tensor = tensors.get(prefix + view.name());
                assertThat(tensor).as(prefix + view.name()).isNotNull();
                assertThat(tensor.shape()).containsExactly(view.shape());
                double[] expected = switch (prefix) {
                    case "grad." -> gradient;
                    case "grad_positive." -> positive;
                    default -> negative;
                };
                assertThat(tensor.doubles()).containsExactly(Arrays.copyOfRange(expected, view.offset(), view.end()));
                tensorsChecked++;
            }
        }
        assertThat(tensorsChecked).isEqualTo(3 * policy.layout().tensors().size());
        assertThat(tensors).containsKey("grad.wte.weight").containsKey("grad.h.0.attn.c_attn.weight");
        assertThat(tensors.get("grad.h.0.attn.c_attn.weight").shape()).containsExactly(16, 48);

        // The parts add up to the whole (two backward passes versus one: equal up to rounding).
        double scale = Arrays.stream(gradient).map(Math::abs).max().orElseThrow();
        assertThat(scale).isGreaterThan(0);
        for (int i = 0; i < gradient.length; i++) {
            assertThat(positive[i] + negative[i]).isCloseTo(gradient[i], within(1e-12 * scale));
        }

        assertThat(contents.metadata()).containsEntry("objective", "dpo").containsEntry("beta", "0.25")
                .containsEntry("loss_type", lossType.name().toLowerCase(java.util.Locale.ROOT)).containsEntry("tokenizer", "prefdyn-byte-level-v1")
                .containsEntry("pairs", "4").containsKey("layout").containsKey("prefdyn.version");
    }

    @Test
    void withoutAReferenceTheCheckpointIsItsOwnReferenceAndTheLossIsLn2() throws IOException {
        Path policyDir = Cli.smallCheckpoint(dir.resolve("policy"));
        Path out = dir.resolve("step.safetensors");
        Cli.Result result = Cli.run("grad", "--checkpoint", policyDir.toString(), "--pairs",
                Cli.pairFile(dir.resolve("pairs.jsonl")).toString(), "--out", out.toString(), "--max-pairs", "3");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("3 of 4 pairs");
        var tensors = SafeTensors.read(out).tensors();
        assertThat(tensors.get("loss").doubles()[0]).isCloseTo(Math.log(2), within(1e-15));
        assertThat(tensors.get("policy_logps").doubles()).containsExactly(tensors.get("reference_logps").doubles());
        assertThat(tensors.get("omega").doubles()).containsOnly(0.5);
    }

    private static ReferenceEngine engine(double[] parameters) {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(Cli.SMALL, Parallel.sequential()));
        engine.setParameters(parameters);
        return engine;
    }

    private static double[] gradient(ReferenceEngine engine, double[] chosen, double[] rejected, PairBatch batch) {
        engine.forward(batch.batch());
        engine.zeroGradients();
        engine.backward(batch.seeds(chosen, rejected));
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        return gradient;
    }
}

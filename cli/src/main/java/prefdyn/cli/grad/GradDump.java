package prefdyn.cli.grad;

import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.engine.Engines;
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
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.tokenizer.Tokenizer;
import prefdyn.reference.util.JsonFiles;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One DPO step's numbers, everything another implementation needs to re-check prefdyn: the batch, both models'
 * per-sequence log-probs, the loss, the full gradient and its positive/negative parts, written as one safetensors
 * file.
 *
 * <p>The batch is all pairs of the file, in file order, laid out as TRL concatenates them: rows 0..P−1 are
 * (x, y⁺_i) and rows P..2P−1 are (x, y⁻_i), right-padded ({@code TokenBatch.PADDING_ID}); responses longer than the context are
 * cut at the end. Tensors:
 * <pre>
 *   input_ids                [2P, W] I64   the policy's tokenizer's ids (padding: id 0)
 *   attention_mask           [2P, W] I32   1 on real tokens, 0 on padding
 *   response_mask            [2P, W] I32   1 on response tokens (the ones summed into lp), 0 on prompt and padding
 *   policy_logps             [2P]    F64   lp(y|x) = Σ_t response_mask·log π(token_t | tokens_&lt;t)
 *   reference_logps          [2P]    F64   the same under the reference model
 *   policy_token_logps       [2P, W] F64   log π(token_t | tokens_&lt;t) on response tokens, 0 elsewhere
 *   omega                    [P]     F64   ω_i = σ(−h_i), the loss reweighting (held constant)
 *   loss                     []      F64   mean_i −log σ(h_i), h_i = β[(lp⁺ − lp_ref⁺) − (lp⁻ − lp_ref⁻)]
 *   grad.&lt;name&gt;             ∇L for every policy tensor, Hugging Face GPT-2 name and shape (F64)
 *   grad_positive.&lt;name&gt;    positive learning: the y⁺ terms, mean_i −β·ω_i·∇lp⁺_i
 *   grad_negative.&lt;name&gt;    negative learning: the y⁻ terms, mean_i +β·ω_i·∇lp⁻_i
 * </pre>
 * {@code grad} comes from one backward pass of the whole loss; the parts from one pass each, so
 * grad = grad_positive + grad_negative up to rounding. Metadata: objective, loss type, variant, beta, pairs,
 * tokenizer, layout, prefdyn version.
 */
public final class GradDump {

    /** Everything computed, in memory. */
    public record Result(PairBatch batch, double[] policyLogProbs, double[] referenceLogProbs,
                         double[][] policyTokenLogProbs, DpoTerms terms, double[] gradient, double[] positive,
                         double[] negative, PolicyEngine policy, Tokenizer tokenizer) {
    }

    private GradDump() {
    }

    /** The DPO step of all {@code pairs} (file order) at the policy's parameters. */
    public static Result compute(LoadedCheckpoint policyCheckpoint, LoadedCheckpoint referenceCheckpoint,
                                 List<PreferenceExample> pairs, DpoSettings settings, Parallel parallel) {
        if (policyCheckpoint.config().vocabSize() != referenceCheckpoint.config().vocabSize()) {
            throw new UserError("the policy and reference checkpoints have different vocabularies");
        }
        if (!policyCheckpoint.tokenizer().name().equals(referenceCheckpoint.tokenizer().name())) {
            throw new UserError("the policy and reference checkpoints use different tokenizers ("
                    + policyCheckpoint.tokenizer().name() + ", " + referenceCheckpoint.tokenizer().name() + ")");
        }
        PolicyEngine policy = Engines.engine(policyCheckpoint, parallel);
        PolicyEngine reference = Engines.engine(referenceCheckpoint, parallel);
        int contextLength = Math.min(policy.config().contextLength(), reference.config().contextLength());
        PairBatch batch = new PairBatch(pairs, contextLength);
        double[] referenceLogProbs = reference.forward(batch.batch()).sequenceLogProbs().clone();
        ForwardResult forward = policy.forward(batch.batch());
        double[] policyLogProbs = forward.sequenceLogProbs().clone();
        double[][] tokenLogProbs = new double[forward.tokenLogProbs().length][];
        for (int b = 0; b < tokenLogProbs.length; b++) {
            tokenLogProbs[b] = forward.tokenLogProbs()[b].clone();
            for (int t = 0; t < tokenLogProbs[b].length; t++) {
                if (!batch.batch().responseMask()[b][t]) {
                    tokenLogProbs[b][t] = 0.0;
                }
            }
        }
        DpoTerms terms = DpoLoss.compute(settings, 0, batch.chosen(policyLogProbs), batch.rejected(policyLogProbs),
                batch.chosen(referenceLogProbs), batch.rejected(referenceLogProbs), batch.chosenLengths(),
                batch.rejectedLengths());
        int pairCount = batch.pairCount();
        double[] gradient = backward(policy, batch.seeds(terms.chosenCoefficient(), terms.rejectedCoefficient()));
        double[] positive = backward(policy, batch.seeds(terms.chosenCoefficient(), new double[pairCount]));
        double[] negative = backward(policy, batch.seeds(new double[pairCount], terms.rejectedCoefficient()));
        return new Result(batch, policyLogProbs, referenceLogProbs, tokenLogProbs, terms, gradient, positive, negative,
                policy, policyCheckpoint.tokenizer());
    }

    private static double[] backward(PolicyEngine engine, BackwardSeeds seeds) {
        engine.zeroGradients();
        engine.backward(seeds);
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        engine.zeroGradients();
        return gradient;
    }

    /** Writes the result as safetensors (atomically). */
    public static void write(Result result, DpoSettings settings, Path file, Map<String, String> extraMetadata)
            throws IOException {
        TokenBatch batch = result.batch().batch();
        int rows = batch.batchSize();
        int width = batch.width();
        long[] ids = new long[rows * width];
        int[] attention = new int[rows * width];
        int[] response = new int[rows * width];
        double[] tokenLogProbs = new double[rows * width];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < width; t++) {
                ids[b * width + t] = batch.tokens()[b][t];
                attention[b * width + t] = t < batch.lengths()[b] ? 1 : 0;
                response[b * width + t] = batch.responseMask()[b][t] ? 1 : 0;
                tokenLogProbs[b * width + t] = result.policyTokenLogProbs()[b][t];
            }
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("input_ids", TensorData.i64(new int[] {rows, width}, ids));
        tensors.put("attention_mask", TensorData.i32(new int[] {rows, width}, attention));
        tensors.put("response_mask", TensorData.i32(new int[] {rows, width}, response));
        tensors.put("policy_logps", TensorData.f64(new int[] {rows}, result.policyLogProbs()));
        tensors.put("reference_logps", TensorData.f64(new int[] {rows}, result.referenceLogProbs()));
        tensors.put("policy_token_logps", TensorData.f64(new int[] {rows, width}, tokenLogProbs));
        tensors.put("omega", TensorData.f64(new int[] {result.terms().pairCount()}, result.terms().omega()));
        tensors.put("loss", TensorData.f64(new int[0], new double[] {result.terms().loss()}));
        addGradient(tensors, "grad.", result, result.gradient());
        addGradient(tensors, "grad_positive.", result, result.positive());
        addGradient(tensors, "grad_negative.", result, result.negative());

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("prefdyn.version", Version.get());
        metadata.put("objective", "dpo");
        metadata.put("loss_type", settings.lossType().name().toLowerCase(Locale.ROOT));
        metadata.put("variant", settings.variant().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        metadata.put("beta", Double.toString(settings.beta()));
        metadata.put("pairs", Integer.toString(result.batch().pairCount()));
        metadata.put("tokenizer", result.tokenizer().name());
        metadata.put("layout", "rows 0..P-1 are prompt+chosen, rows P..2P-1 prompt+rejected (TRL's concatenation); "
                + "right-padded with end-of-text (256)");
        metadata.put("loss", settings.lossType() == DpoLossType.SIGMOID
                ? "mean over pairs of -log sigmoid(beta*((lp_c - ref_c) - (lp_r - ref_r)))"
                : settings.lossType() == DpoLossType.BPO
                ? "mean over pairs of -log sigmoid(min(beta*(lp_c - ref_c), -bpo_alpha*beta*(lp_r - ref_r))) (BPO)"
                : "mean over pairs of DpoLoss's " + settings.lossType().name().toLowerCase(Locale.ROOT)
                + " loss of h = (lp_c - ref_c) - (lp_r - ref_r) (docs/paper-map.md, the DPO family)");
        if (settings.lossType() == DpoLossType.CONSERVATIVE || settings.lossType() == DpoLossType.ROBUST) {
            metadata.put("label_smoothing", Double.toString(settings.labelSmoothing()));
        }
        if (settings.lossType() == DpoLossType.SIMPO) {
            metadata.put("simpo_gamma", Double.toString(settings.simpoGamma()));
        }
        if (settings.lossType() == DpoLossType.BPO) {
            metadata.put("bpo_alpha", Double.toString(settings.bpoAlpha()));
        }
        metadata.put("config", JsonFiles.write(prefdyn.reference.checkpoint.ConfigJson.toJson(result.policy().config(),
                prefdyn.reference.checkpoint.Precision.FLOAT64)));
        metadata.putAll(extraMetadata);
        SafeTensors.write(file, tensors, metadata);
    }

    private static void addGradient(Map<String, TensorData> tensors, String prefix, Result result, double[] gradient) {
        for (TensorView view : result.policy().layout().tensors()) {
            tensors.put(prefix + view.name(), TensorData.floating(DType.F64, view.shape(),
                    Arrays.copyOfRange(gradient, view.offset(), view.end())));
        }
    }

    /** Standard DPO with the sigmoid loss (the only objective {@code grad} dumps today). */
    public static DpoSettings settings(double beta) {
        return DpoSettings.of(beta, DpoVariant.STANDARD, 1);
    }
}

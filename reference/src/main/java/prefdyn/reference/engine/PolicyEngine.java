package prefdyn.reference.engine;

import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.optim.AdamWSettings;

import java.util.List;

/**
 * The seam between the math of preference optimization and the machine that runs the model
 * ({@code docs/architecture.md}, "The engine interface").
 *
 * <p>Objectives, trainers and the dynamics metrics are written once, against this interface. The float64
 * reference ({@code ReferenceEngine}) and the float32 OpenCL twin implement it, so {@code --engine accelerated}
 * runs the very same DPO/PPO/G code.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #forward} computes per-token log-probs (and values, rewards) for a batch and keeps what backward
 *       needs; {@link #backward} differentiates the <em>most recent</em> forward, and may be called several times
 *       for it (e.g. once per component of a decomposed objective).</li>
 *   <li>Backward <em>accumulates</em> into the gradient; call {@link #zeroGradients} to start afresh.</li>
 *   <li>Parameters and gradients use the flat layout of {@link ParameterLayout}; they are exchanged as
 *       {@code double[]} copies so a device-resident engine can keep its own storage.</li>
 *   <li>Results are deterministic: the same inputs give bit-identical outputs whatever the thread count.</li>
 * </ul>
 */
public interface PolicyEngine extends AutoCloseable {

    GptConfig config();

    ParameterLayout layout();

    /** Runs the model on a batch; keeps activations for one subsequent {@link #backward}. */
    ForwardResult forward(TokenBatch batch);

    /**
     * The log-probabilities of every possible next token after each sequence: row b is log π(· | tokens[b][0..len−1]),
     * read at the last real position. Used for sampling; it does not change what {@link #backward} differentiates.
     *
     * @return [B][V] log-probabilities, each row normalised
     */
    double[][] nextTokenLogProbs(TokenBatch batch);

    /**
     * Starts sampling continuations of {@code prompts}: a {@link SamplingSession} answers log π(· | prefix) for
     * each row as tokens are appended. Like {@link #nextTokenLogProbs}, it does not change what {@link #backward}
     * differentiates, and the parameters must not change while it is in use.
     *
     * <p>The default, {@link RecomputingSession}, calls {@link #nextTokenLogProbs} on every row's whole prefix at
     * every step. An engine may return a session that reuses earlier work (the reference keeps a KV cache), as
     * long as every log-prob it returns is bit-identical to the default's.
     *
     * @param prompts [S] token ids of each prompt, each non-empty
     */
    default SamplingSession startSampling(List<int[]> prompts) {
        return new RecomputingSession(this, prompts);
    }

    /** Accumulates ∂L/∂θ into the gradient, for the batch of the most recent {@link #forward}. */
    void backward(BackwardSeeds seeds);

    /** Sets every gradient entry to 0. */
    void zeroGradients();

    /** Copies the flat parameters into {@code destination} [P]. */
    void copyParametersTo(double[] destination);

    /** Replaces the flat parameters by {@code source} [P]; resets nothing else. */
    void setParameters(double[] source);

    /** Copies the flat accumulated gradient into {@code destination} [P]. */
    void copyGradientsTo(double[] destination);

    /** Replaces the flat accumulated gradient by {@code source} [P] (used to apply a gradient computed elsewhere). */
    void setGradients(double[] source);

    /**
     * Global gradient-norm clipping: if ‖g‖₂ &gt; maxNorm, scales g by maxNorm/‖g‖₂.
     *
     * @return ‖g‖₂ before clipping (TRL's {@code grad_norm})
     */
    double clipGradientNorm(double maxNorm);

    /** One AdamW update of the parameters from the accumulated gradient; the optimizer state lives in the engine. */
    void adamWStep(AdamWSettings settings, double learningRate);

    /** The number of AdamW steps taken so far (for bias correction and checkpoints). */
    long optimizerSteps();

    /**
     * Copies AdamW's first and second moments m and v (PyTorch's {@code exp_avg}, {@code exp_avg_sq}) into the
     * arrays given: with θ and {@link #optimizerSteps()} they are everything a checkpoint needs to resume training
     * exactly where it stopped.
     *
     * @param firstMoment  [P] written
     * @param secondMoment [P] written
     */
    void copyOptimizerStateTo(double[] firstMoment, double[] secondMoment);

    /**
     * Replaces AdamW's moments and its step count t (which sets the next update's bias correction); the inverse of
     * {@link #copyOptimizerStateTo} and {@link #optimizerSteps()}.
     *
     * @param firstMoment  [P]
     * @param secondMoment [P]
     * @param steps        t, at least 0
     */
    void restoreOptimizerState(double[] firstMoment, double[] secondMoment, long steps);

    /** Releases native or device resources; the reference engine has none. */
    @Override
    default void close() {
    }
}

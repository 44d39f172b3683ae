package prefdyn.accelerated;

import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.accelerated.kernels.KernelExecution;
import prefdyn.accelerated.kernels.TwinDevice;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.optim.AdamWSettings;

import java.util.List;

/**
 * The float32 OpenCL twin behind the {@link PolicyEngine} interface, with the reference engine's semantics:
 * the same outputs (as {@code double[][]} copies), the same validation and exception messages, backward that
 * accumulates and may be called several times per forward, PyTorch's clipping and AdamW.
 *
 * <p>Parameters, gradients, AdamW moments and activations stay on the device between kernels. Data crosses to the
 * host only here: token ids and seeds in; per-token outputs, partial sums of norms and dot products, and whatever
 * {@code copy…To} asks for out.
 *
 * <p>{@link #kernelsRunOnOpenCl()} and {@link #kernelExecutions()} say where every kernel ran: Aparapi can fall
 * back to Java threads, and by default ({@link FallbackPolicy#ALLOW_JAVA_FALLBACK}) the engine then keeps going,
 * slowly; construct it with {@link FallbackPolicy#FAIL_FAST} to throw instead.
 */
public final class AcceleratedEngine implements PolicyEngine {

    private final GptConfig config;
    private final ParameterLayout layout;
    private final TwinDevice device;
    private final TwinGptModel model;
    private long steps;
    private Forward saved;
    /** Sampling sessions started so far: the newest one owns the device's KV cache buffer. */
    private long samplingSessions;

    /** The training forward that backward differentiates: its inputs and where its activations are. */
    private record Forward(BatchInputs inputs, ActivationLayout activations, int tokens, int lengths, int intsEnd) {
    }

    /** An engine with these parameters [P], falling back to Java threads if OpenCL is missing. */
    public AcceleratedEngine(GptConfig config, double[] initialParameters) {
        this(config, initialParameters, FallbackPolicy.ALLOW_JAVA_FALLBACK);
    }

    /**
     * @param initialParameters [P] in {@link ParameterLayout} order
     * @param policy            what to do when a kernel cannot run on OpenCL
     */
    public AcceleratedEngine(GptConfig config, double[] initialParameters, FallbackPolicy policy) {
        this(config, initialParameters, TwinDevice.open(policy));
    }

    /**
     * The twin's kernels as plain Java float code on Aparapi's thread pool, without OpenCL: slow, and meant only for
     * telling float32 rounding (which this has too) from what the OpenCL device adds.
     */
    public static AcceleratedEngine onJavaThreads(GptConfig config, double[] initialParameters) {
        return new AcceleratedEngine(config, initialParameters, TwinDevice.openOnJavaThreads());
    }

    private AcceleratedEngine(GptConfig config, double[] initialParameters, TwinDevice device) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        this.device = device;
        try {
            if (initialParameters.length != layout.size()) {
                throw new IllegalArgumentException("expected " + layout.size() + " parameters for this model, got "
                        + initialParameters.length);
            }
            device.allocateParameterBuffers(layout.size());
            device.writeParameters(initialParameters);
            device.writeDecayMask(decayMask(layout));
            device.clearGradients(); // the first launch: compiles the program and binds every buffer
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        this.model = new TwinGptModel(config, layout, device);
    }

    /** A fresh model with GPT-2's seeded initialisation (the same draws as {@code ReferenceEngine.initialized}). */
    public static AcceleratedEngine initialized(GptConfig config, long seed, FallbackPolicy policy) {
        ParameterLayout layout = new ParameterLayout(config);
        double[] params = new double[layout.size()];
        GptInitializer.initialize(layout, params, seed);
        return new AcceleratedEngine(config, params, policy);
    }

    /** True when at least one kernel ran and every launch of every kernel ran on an OpenCL device. */
    public boolean kernelsRunOnOpenCl() {
        return device.kernelsRunOnOpenCl();
    }

    /** Every kernel launched so far: its name, launch count, how many ran on OpenCL, and the device. */
    public List<KernelExecution> kernelExecutions() {
        return device.executions();
    }

    /**
     * Kernel launches of this engine so far, all kernels together: read it before and after a forward, a backward
     * or a training step to count that work's launches. A forward makes 7 launches per block plus 7 (plus one per
     * value or reward head), a sampling pass ({@link #nextTokenLogProbs}) 7 per block plus 6, a cached session's
     * prompt pass 8 per block plus 6 and each of its steps 8 per block plus 5, and a backward seeded on the token
     * log-probs 9 per block plus 7.
     */
    public long kernelLaunches() {
        return device.launchCount();
    }

    /**
     * The fixed cost of one launch on this device, through Aparapi: launches a kernel of a single work item (it zeroes
     * one float of the gradient scratch arena, which every backward clears before use) {@code launches} times and
     * returns the mean wall-clock time per launch, in seconds. A step pays about its {@link #kernelLaunches} count
     * times this, whatever the size of the work in each launch.
     */
    public double launchOverheadSeconds(int launches) {
        if (launches < 1) {
            throw new IllegalArgumentException("launches must be at least 1, got " + launches);
        }
        device.reserveGradientArena(1);
        long start = System.nanoTime();
        for (int i = 0; i < launches; i++) {
            device.clearGradientArena(0, 1);
        }
        return (System.nanoTime() - start) / 1e9 / launches;
    }

    /** The device kernels are launched on, in words. */
    public String deviceDescription() {
        return device.deviceDescription();
    }

    @Override
    public GptConfig config() {
        return config;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public ForwardResult forward(TokenBatch batch) {
        BatchInputs inputs = BatchInputs.of(batch, config);
        ActivationLayout activations = new ActivationLayout(config, inputs.batchSize(), inputs.width(), 0);
        device.reserveActivations(activations.end, 0);
        int[] ints = device.intsForWriting(inputs.intCount());
        inputs.writeTo(ints, 0);
        device.uploadInts();
        saved = null; // a failure below leaves nothing to differentiate
        model.forward(activations, 0, inputs.tokens().length);

        int N = inputs.positions();
        device.activationsToIo(0, activations.outputs, 5 * N);
        float[] io = device.downloadIo();
        saved = new Forward(inputs, activations, 0, inputs.tokens().length, inputs.intCount());
        return packResult(batch, inputs, io, N);
    }

    @Override
    public double[][] nextTokenLogProbs(TokenBatch batch) {
        BatchInputs inputs = BatchInputs.of(batch, config);
        int actsBase = saved == null ? 0 : saved.activations().end;
        int intsBase = saved == null ? 0 : saved.intsEnd();
        ActivationLayout activations = new ActivationLayout(config, inputs.batchSize(), inputs.width(), actsBase,
                false);
        device.reserveActivations(activations.end, actsBase); // keeps the training forward's activations
        int[] ints = device.intsForWriting(intsBase + inputs.intCount());
        inputs.writeTo(ints, intsBase);
        device.uploadInts();
        model.nextTokenLogProbs(activations, intsBase, intsBase + inputs.tokens().length);
        return downloadLogProbs(activations.logProbs, inputs.batchSize());
    }

    /**
     * A KV-cached session ({@link TwinKvCachedSession}): a prompt pass per row through the sampling pass that also
     * stores each block's keys and values on the device, then one new position per row and step. Its log-probs
     * match {@link prefdyn.reference.engine.RecomputingSession}'s on this engine within float rounding. The cache
     * lives in a device buffer of its own ({@link TwinKvCache}); starting another session hands that buffer to the
     * new one, and the older session then throws when used.
     *
     * @param prompts [S] the prompts, each non-empty; copied
     */
    @Override
    public SamplingSession startSampling(List<int[]> prompts) {
        TwinKvCache cache = new TwinKvCache(config, prompts.size(), ++samplingSessions);
        device.reserveKeyValueCache(cache.size());
        return new TwinKvCachedSession(this, cache, prompts);
    }

    /**
     * The prompt pass of a cached session: {@link #nextTokenLogProbs}'s launches on {@code batch}, plus each block's
     * keys and values at every real position of row b stored as cached sequence {@code cacheSequences[b]}.
     *
     * @param cacheSequences [B] the cached sequence of each batch row
     * @return [B][V] log π(· | row b)
     */
    double[][] promptPass(TokenBatch batch, TwinKvCache cache, int[] cacheSequences) {
        requireCurrent(cache);
        BatchInputs inputs = BatchInputs.of(batch, config);
        int B = inputs.batchSize();
        int T = inputs.width();
        int R = 0;
        for (int length : inputs.lengths()) {
            R += length;
        }
        int[] qkvRows = new int[R];     // [R] row b·T + t of the batch's qkv, for every real position
        int[] sequences = new int[R];   // [R] its cached sequence
        int[] positions = new int[R];   // [R] t
        int r = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < inputs.lengths()[b]; t++) {
                qkvRows[r] = b * T + t;
                sequences[r] = cacheSequences[b];
                positions[r] = t;
                r++;
            }
        }

        int actsBase = saved == null ? 0 : saved.activations().end;
        int intsBase = saved == null ? 0 : saved.intsEnd();
        ActivationLayout activations = new ActivationLayout(config, B, T, actsBase, false);
        device.reserveActivations(activations.end, actsBase); // keeps the training forward's activations
        int tokensAt = intsBase;
        int lengthsAt = tokensAt + inputs.tokens().length;
        int qkvRowsAt = intsBase + inputs.intCount();
        int sequencesAt = qkvRowsAt + R;
        int positionsAt = sequencesAt + R;
        int[] ints = device.intsForWriting(positionsAt + R);
        inputs.writeTo(ints, intsBase);
        System.arraycopy(qkvRows, 0, ints, qkvRowsAt, R);
        System.arraycopy(sequences, 0, ints, sequencesAt, R);
        System.arraycopy(positions, 0, ints, positionsAt, R);
        device.uploadInts();
        model.promptPass(activations, tokensAt, lengthsAt, cache, qkvRowsAt, sequencesAt, positionsAt, R);
        cache.setLengths(cacheSequences, inputs.lengths());
        return downloadLogProbs(activations.logProbs, B);
    }

    /**
     * One step of a cached session: the new token of each listed sequence at position {@code cache.length(s)}
     * through the blocks, attending to the cached keys and values, then the head ({@link TwinGptModel#step}).
     *
     * @param cacheSequences [N] distinct cached sequences, each with its prompt already stored
     * @param tokens         [N] the new token of each, in [0, V)
     * @return [N][V] log π(· | sequence n including its new token)
     */
    double[][] cachedStep(TwinKvCache cache, int[] cacheSequences, int[] tokens) {
        requireCurrent(cache);
        int N = cacheSequences.length;
        int T = cache.contextLength;
        int[] positions = new int[N];   // [N]
        int[] qkvRows = new int[N];     // [N] 0..N−1
        for (int n = 0; n < N; n++) {
            positions[n] = cache.length(cacheSequences[n]);
            qkvRows[n] = n;
            if (positions[n] >= T) {
                throw new IllegalArgumentException("a sequence of length " + (positions[n] + 1)
                        + " exceeds the context length " + T);
            }
            if (tokens[n] < 0 || tokens[n] >= config.vocabSize()) {
                throw new IllegalArgumentException("sequence " + n + ", position " + positions[n] + ": token id "
                        + tokens[n] + " outside [0, " + config.vocabSize() + ")");
            }
        }

        int actsBase = saved == null ? 0 : saved.activations().end;
        int intsBase = saved == null ? 0 : saved.intsEnd();
        ActivationLayout activations = new ActivationLayout(config, N, 1, actsBase, false);
        int weights = activations.end;                                   // [N,H,maxT]
        device.reserveActivations(weights + N * config.numHeads() * T, actsBase);
        int tokensAt = intsBase;
        int positionsAt = tokensAt + N;
        int sequencesAt = positionsAt + N;
        int qkvRowsAt = sequencesAt + N;
        int[] ints = device.intsForWriting(qkvRowsAt + N);
        System.arraycopy(tokens, 0, ints, tokensAt, N);
        System.arraycopy(positions, 0, ints, positionsAt, N);
        System.arraycopy(cacheSequences, 0, ints, sequencesAt, N);
        System.arraycopy(qkvRows, 0, ints, qkvRowsAt, N);
        device.uploadInts();
        model.step(activations, weights, cache, tokensAt, positionsAt, sequencesAt, qkvRowsAt);
        cache.advance(cacheSequences);
        return downloadLogProbs(activations.logProbs, N);
    }

    private void requireCurrent(TwinKvCache cache) {
        if (cache.generation != samplingSessions) {
            throw new IllegalStateException("this sampling session's KV cache has been handed to a newer session of "
                    + "the engine (one cached session at a time)");
        }
    }

    /**
     * Copies B rows of log-probs [B,V] at {@code logProbs} in the activation arena to the host (one launch), failing
     * on NaN or +∞ as the reference does.
     */
    private double[][] downloadLogProbs(int logProbs, int B) {
        int V = config.vocabSize();
        device.activationsToIo(0, logProbs, B * V);
        float[] io = device.downloadIo();
        double[][] rows = new double[B][V];
        for (int b = 0; b < rows.length; b++) {
            int row = b * V;
            for (int v = 0; v < V; v++) {
                double logProb = io[row + v];
                if (!Double.isFinite(logProb) && logProb != Double.NEGATIVE_INFINITY) {
                    throw new NonFiniteValueException("non-finite next-token log-prob (" + logProb + ") in sequence "
                            + b + " for token " + v, b);
                }
                rows[b][v] = logProb;
            }
        }
        return rows;
    }

    @Override
    public void backward(BackwardSeeds seeds) {
        Forward forward = saved;
        if (forward == null) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        BatchInputs inputs = forward.inputs();
        double[] dTokenLogProbs = SeedRows.unpack("tokenLogProbs", seeds.tokenLogProbs(), inputs, true);
        double[] dValues = SeedRows.unpack("values", seeds.values(), inputs, false);
        double[] dRewards = SeedRows.unpack("rewards", seeds.rewards(), inputs, false);
        if (dValues != null && !config.valueHead()) {
            throw new IllegalArgumentException("value seeds given, but the model has no value head");
        }
        if (dRewards != null && !config.rewardHead()) {
            throw new IllegalArgumentException("reward seeds given, but the model has no reward head");
        }

        int N = inputs.positions();
        GradientLayout gradients = new GradientLayout(config, inputs.batchSize(), inputs.width());
        device.reserveGradientArena(gradients.size);
        device.clearGradientArena(0, gradients.size);
        float[] io = device.ioForWriting(3 * N);
        copyInto(dTokenLogProbs, io, 0, N);
        copyInto(dValues, io, N, N);
        copyInto(dRewards, io, 2 * N, N);
        device.uploadIo();
        device.ioToGradientArena(gradients.seeds, 0, 3 * N);
        model.backward(forward.activations(), gradients, forward.tokens(), forward.lengths(), dTokenLogProbs != null,
                dValues != null, dRewards != null);
    }

    @Override
    public void zeroGradients() {
        device.clearGradients();
    }

    @Override
    public void copyParametersTo(double[] destination) {
        checkSize(destination);
        device.readParameters(destination);
    }

    @Override
    public void setParameters(double[] source) {
        checkSize(source);
        device.writeParameters(source);
    }

    @Override
    public void copyGradientsTo(double[] destination) {
        checkSize(destination);
        device.readGradients(destination);
    }

    @Override
    public void setGradients(double[] source) {
        checkSize(source);
        device.writeGradients(source);
    }

    /**
     * {@code GradientClipping.clipGlobalNorm} on the device: ‖g‖₂ by a deterministic reduction, then
     * g ← g · maxNorm/(‖g‖₂ + 1e-6) when that factor is below 1.
     */
    @Override
    public double clipGradientNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        double norm = device.globalNorm();
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            device.clipGlobalNorm(coefficient);
        }
        return norm;
    }

    @Override
    public void adamWStep(AdamWSettings settings, double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        steps++;
        device.step(steps, settings.beta1(), settings.beta2(), settings.epsilon(), settings.weightDecay(),
                learningRate);
    }

    @Override
    public long optimizerSteps() {
        return steps;
    }

    /**
     * The dot product G needs, on the device: Σ_{i in [start, end)} vector[i] · g[i] with the accumulated gradient
     * g (e.g. the target gradient g′ of the final responses against a component's gradient, over one parameter
     * group). {@code GradientAlignment} itself works through {@link #copyGradientsTo}; this keeps the product on
     * the device for callers that want it there.
     *
     * @param vector [P]
     */
    public double dotWithGradient(double[] vector, int start, int end) {
        checkSize(vector);
        if (start < 0 || end > layout.size() || start > end) {
            throw new IllegalArgumentException("range [" + start + ", " + end + ") outside [0, " + layout.size() + ")");
        }
        device.writeVector(vector);
        return device.dot(start, end);
    }

    /** Copies AdamW's first and second moments [P] off the device (for checkpoints and tests). */
    @Override
    public void copyOptimizerStateTo(double[] firstMoment, double[] secondMoment) {
        checkSize(firstMoment);
        checkSize(secondMoment);
        device.readFirstMoment(firstMoment);
        device.readSecondMoment(secondMoment);
    }

    /** Restores AdamW's moments [P] and step count, as {@code AdamW.restore} does. */
    @Override
    public void restoreOptimizerState(double[] firstMoment, double[] secondMoment, long stepCount) {
        checkSize(firstMoment);
        checkSize(secondMoment);
        if (stepCount < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + stepCount);
        }
        device.writeFirstMoment(firstMoment);
        device.writeSecondMoment(secondMoment);
        steps = stepCount;
    }

    /** Releases the device buffers and the OpenCL program. */
    @Override
    public void close() {
        saved = null;
        device.close();
    }

    private ForwardResult packResult(TokenBatch batch, BatchInputs inputs, float[] io, int N) {
        int B = inputs.batchSize();
        int T = inputs.width();
        int W = inputs.paddedWidth();
        double[][] tokenLogProbRows = new double[B][W];
        double[][] entropyRows = new double[B][W];
        double[][] maxProbRows = new double[B][W];
        double[][] valueRows = config.valueHead() ? new double[B][W] : null;
        double[][] rewardRows = config.rewardHead() ? new double[B][W] : null;
        double[] sequenceLogProbs = new double[B];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < inputs.lengths()[b]; t++) {
                int n = b * T + t;
                double logProb = io[n];
                tokenLogProbRows[b][t] = logProb;
                entropyRows[b][t] = io[N + n];
                maxProbRows[b][t] = io[2 * N + n];
                if (valueRows != null) {
                    valueRows[b][t] = io[3 * N + n];
                }
                if (rewardRows != null) {
                    rewardRows[b][t] = io[4 * N + n];
                }
                if (batch.responseMask()[b][t]) {
                    sequenceLogProbs[b] += logProb;
                }
                requireFinite("log-prob", logProb, b, t);
                if (valueRows != null) {
                    requireFinite("value", valueRows[b][t], b, t);
                }
                if (rewardRows != null) {
                    requireFinite("reward score", rewardRows[b][t], b, t);
                }
            }
        }
        return new ForwardResult(tokenLogProbRows, sequenceLogProbs, entropyRows, maxProbRows, valueRows, rewardRows);
    }

    private static void requireFinite(String quantity, double value, int sequence, int position) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteValueException("non-finite " + quantity + " (" + value + ") in sequence " + sequence
                    + " at position " + position, sequence);
        }
    }

    private static void copyInto(double[] seeds, float[] io, int offset, int n) {
        for (int i = 0; i < n; i++) {
            io[offset + i] = seeds == null ? 0f : (float) seeds[i];
        }
    }

    private void checkSize(double[] array) {
        int expected = layout.size();
        if (array.length != expected) {
            throw new IllegalArgumentException("parameter and gradient arrays hold " + expected
                    + " values for this model, got an array of " + array.length);
        }
    }

    /** True for elements of tensors with two or more dimensions: the ones {@code AdamW} decays. */
    private static boolean[] decayMask(ParameterLayout layout) {
        boolean[] decayed = new boolean[layout.size()];
        for (TensorView view : layout.tensors()) {
            boolean decay = view.shape().length >= 2;
            for (int i = view.offset(); i < view.end(); i++) {
                decayed[i] = decay;
            }
        }
        return decayed;
    }
}

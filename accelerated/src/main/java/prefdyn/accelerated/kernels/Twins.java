package prefdyn.accelerated.kernels;

import prefdyn.reference.optim.AdamWSettings;

import java.util.List;

/**
 * Every twin kernel as a plain static method on host arrays, named like the reference method it mirrors and taking
 * the reference's arguments in the reference's order, with {@code float[]} for {@code double[]} and no
 * {@code Parallel}. Each call copies its arrays to the device, runs the same launch the engine uses, and copies
 * every float array back (outputs and accumulated arrays alike).
 *
 * <p>This is the surface the differential tests pair with the reference by name. It runs on one shared device
 * opened with {@link FallbackPolicy#FAIL_FAST}: a call that cannot run on OpenCL throws. It is slow (a round trip
 * per call) and meant for checking, not for training; {@code AcceleratedEngine} keeps everything on the device.
 * Its arrays are not padded to {@link TwinDevice#GPU_MINIMUM_LENGTH}: on a GPU, a garbage collection between the
 * two launches of one call (attention backward, clipping) could in principle move an array and lose the first
 * launch's result.
 */
public final class Twins {

    private static TwinDevice shared;

    private Twins() {
    }

    /** The shared device, opened on first use. */
    private static TwinDevice device() {
        if (shared == null) {
            shared = TwinDevice.open(FallbackPolicy.FAIL_FAST);
        }
        return shared;
    }

    /** True when at least one twin ran here and every launch ran on an OpenCL device. */
    public static synchronized boolean kernelsRunOnOpenCl() {
        return shared != null && shared.kernelsRunOnOpenCl();
    }

    /** Every kernel the standalone twins have launched: name, launches, how many on OpenCL, device. */
    public static synchronized List<KernelExecution> executions() {
        return shared == null ? List.of() : shared.executions();
    }

    /** The shared device, in words (opens it). */
    public static synchronized String deviceDescription() {
        return device().deviceDescription();
    }

    // ---- Encoder ----------------------------------------------------------------------------------------------

    public static synchronized void encoderForward(float[] out, int[] tokens, float[] params, int wteOffset,
                                                   int wpeOffset, int B, int T, int C) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int tokensAt = call.ints(tokens);
        call.params(params);
        call.upload();
        shared.encoderForward(outAt, tokensAt, wteOffset, wpeOffset, B, T, C);
        call.download();
    }

    public static synchronized void encoderForwardAtPositions(float[] out, int[] tokens, int[] positions,
                                                              float[] params, int wteOffset, int wpeOffset, int N,
                                                              int C) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int tokensAt = call.ints(tokens);
        int positionsAt = call.ints(positions);
        call.params(params);
        call.upload();
        shared.encoderForwardAtPositions(outAt, tokensAt, positionsAt, wteOffset, wpeOffset, N, C);
        call.download();
    }

    public static synchronized void encoderBackward(float[] grads, int wteOffset, int wpeOffset, float[] dout,
                                                    int[] tokens, int B, int T, int C) {
        StandaloneCall call = new StandaloneCall(device());
        call.grads(grads);
        int doutAt = call.dacts(dout);
        int tokensAt = call.ints(tokens);
        call.upload();
        shared.encoderBackward(wteOffset, wpeOffset, doutAt, tokensAt, B, T, C);
        call.download();
    }

    // ---- LayerNorm --------------------------------------------------------------------------------------------

    public static synchronized void layerNormForward(float[] out, float[] mean, float[] rstd, float[] inp,
                                                     float[] params, int weightOffset, int biasOffset, int N, int C,
                                                     double eps) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int meanAt = call.acts(mean);
        int rstdAt = call.acts(rstd);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.layerNormForward(outAt, meanAt, rstdAt, inpAt, weightOffset, biasOffset, N, C, eps);
        call.download();
    }

    public static synchronized void layerNormBackward(float[] dinp, float[] grads, float[] dout, float[] inp,
                                                      float[] params, int weightOffset, int biasOffset, float[] mean,
                                                      float[] rstd, int N, int C) {
        StandaloneCall call = new StandaloneCall(device());
        int dinpAt = call.dacts(dinp);
        call.grads(grads);
        int doutAt = call.dacts(dout);
        int inpAt = call.acts(inp);
        call.params(params);
        int meanAt = call.acts(mean);
        int rstdAt = call.acts(rstd);
        call.upload();
        shared.layerNormBackward(dinpAt, doutAt, inpAt, weightOffset, biasOffset, meanAt, rstdAt, N, C);
        call.download();
    }

    // ---- Linear -----------------------------------------------------------------------------------------------

    public static synchronized void linearForward(float[] out, float[] inp, float[] params, int weightOffset,
                                                  int biasOffset, int N, int I, int O) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.linearForward(outAt, inpAt, weightOffset, biasOffset, N, I, O);
        call.download();
    }

    /** @param dinp [N,I] accumulated into, or null when the input needs no gradient */
    public static synchronized void linearBackward(float[] dinp, float[] grads, float[] dout, float[] inp,
                                                   float[] params, int weightOffset, int biasOffset, int N, int I,
                                                   int O) {
        StandaloneCall call = new StandaloneCall(device());
        int dinpAt = dinp == null ? -1 : call.dacts(dinp);
        call.grads(grads);
        int doutAt = call.dacts(dout);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.linearBackward(dinpAt, doutAt, inpAt, weightOffset, biasOffset, N, I, O);
        call.download();
    }

    // ---- Attention --------------------------------------------------------------------------------------------

    public static synchronized void attentionForward(float[] out, float[] att, float[] qkv, int B, int T, int C,
                                                     int H) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int attAt = call.acts(att);
        int qkvAt = call.acts(qkv);
        call.upload();
        shared.attentionForward(outAt, attAt, qkvAt, B, T, C, H);
        call.download();
    }

    /**
     * One query, as the reference method takes it: the device's attendOneQuery for N = 1 row and H = 1 head of size
     * C = headSize, with the query, keys and values placed at the given starts (keys and values in the KV cache
     * buffer, as the engine's cache is).
     */
    public static synchronized void attendOneQuery(float[] out, int outStart, float[] weights, int weightsStart,
                                                   float[] query, int queryStart, float[] keys, int firstKey,
                                                   float[] values, int firstValue, int stride, int t, int headSize) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int weightsAt = call.acts(weights);
        int queryAt = call.acts(query);
        int keysAt = call.kvCache(keys);
        int valuesAt = call.kvCache(values);
        int positionsAt = call.ints(new int[] {t});
        int sequencesAt = call.ints(new int[] {0});
        call.upload();
        shared.attendOneQuery(outAt + outStart, weightsAt + weightsStart, queryAt + queryStart, keysAt + firstKey,
                valuesAt + firstValue, positionsAt, sequencesAt, 1, headSize, 1, t + 1, stride);
        call.download();
    }

    public static synchronized void storeKeysValues(float[] keys, float[] values, float[] qkv, int[] qkvRows,
                                                    int[] sequences, int[] positions, int R, int C, int maxT) {
        StandaloneCall call = new StandaloneCall(device());
        int keysAt = call.kvCache(keys);
        int valuesAt = call.kvCache(values);
        int qkvAt = call.acts(qkv);
        int qkvRowsAt = call.ints(qkvRows);
        int sequencesAt = call.ints(sequences);
        int positionsAt = call.ints(positions);
        call.upload();
        shared.storeKeysValues(keysAt, valuesAt, qkvAt, qkvRowsAt, sequencesAt, positionsAt, R, C, maxT);
        call.download();
    }

    public static synchronized void attentionBackward(float[] dqkv, float[] dout, float[] qkv, float[] att, int B,
                                                      int T, int C, int H) {
        StandaloneCall call = new StandaloneCall(device());
        int dqkvAt = call.dacts(dqkv);
        int doutAt = call.dacts(dout);
        int qkvAt = call.acts(qkv);
        int attAt = call.acts(att);
        int scratchAt = call.dacts(new float[B * H * T * T]);
        call.upload();
        shared.attentionBackward(dqkvAt, doutAt, qkvAt, attAt, scratchAt, B, T, C, H);
        call.download();
    }

    // ---- Gelu, Residual ---------------------------------------------------------------------------------------

    public static synchronized void geluForward(float[] out, float[] inp, int N) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int inpAt = call.acts(inp);
        call.upload();
        shared.geluForward(outAt, inpAt, N);
        call.download();
    }

    public static synchronized void geluBackward(float[] dinp, float[] inp, float[] dout, int N) {
        StandaloneCall call = new StandaloneCall(device());
        int dinpAt = call.dacts(dinp);
        int inpAt = call.acts(inp);
        int doutAt = call.dacts(dout);
        call.upload();
        shared.geluBackward(dinpAt, inpAt, doutAt, N);
        call.download();
    }

    public static synchronized void residualForward(float[] out, float[] inp1, float[] inp2, int N) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int inp1At = call.acts(inp1);
        int inp2At = call.acts(inp2);
        call.upload();
        shared.residualForward(outAt, inp1At, inp2At, N);
        call.download();
    }

    public static synchronized void residualBackward(float[] dinp1, float[] dinp2, float[] dout, int N) {
        StandaloneCall call = new StandaloneCall(device());
        int dinp1At = call.dacts(dinp1);
        int dinp2At = call.dacts(dinp2);
        int doutAt = call.dacts(dout);
        call.upload();
        shared.residualBackward(dinp1At, dinp2At, doutAt, N);
        call.download();
    }

    // ---- FusedLinear, LastPosition ----------------------------------------------------------------------------

    public static synchronized void linearGeluForward(float[] out, float[] outGelu, float[] inp, float[] params,
                                                      int weightOffset, int biasOffset, int N, int I, int O) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int outGeluAt = call.acts(outGelu);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.linearGeluForward(outAt, outGeluAt, inpAt, weightOffset, biasOffset, N, I, O);
        call.download();
    }

    public static synchronized void linearResidualForward(float[] out, float[] sum, float[] inp, float[] residual,
                                                          float[] params, int weightOffset, int biasOffset, int N,
                                                          int I, int O) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int sumAt = call.acts(sum);
        int inpAt = call.acts(inp);
        int residualAt = call.acts(residual);
        call.params(params);
        call.upload();
        shared.linearResidualForward(outAt, sumAt, inpAt, residualAt, weightOffset, biasOffset, N, I, O);
        call.download();
    }

    /** @param dinp [N,I] accumulated into, or null when the input needs no gradient */
    public static synchronized void linearResidualBackward(float[] dinp, float[] dresidual, float[] grads,
                                                           float[] dsum, float[] inp, float[] params,
                                                           int weightOffset, int biasOffset, int N, int I, int O) {
        StandaloneCall call = new StandaloneCall(device());
        int dinpAt = dinp == null ? -1 : call.dacts(dinp);
        int dresidualAt = call.dacts(dresidual);
        call.grads(grads);
        int dsumAt = call.dacts(dsum);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.linearResidualBackward(dinpAt, dresidualAt, dsumAt, inpAt, weightOffset, biasOffset, N, I, O);
        call.download();
    }

    public static synchronized void lastPositionForward(float[] out, float[] inp, int[] lengths, int B, int T,
                                                        int C) {
        StandaloneCall call = new StandaloneCall(device());
        int outAt = call.acts(out);
        int inpAt = call.acts(inp);
        int lengthsAt = call.ints(lengths);
        call.upload();
        shared.lastPositionForward(outAt, inpAt, lengthsAt, B, T, C);
        call.download();
    }

    // ---- LmHead, LogSoftmax -----------------------------------------------------------------------------------

    public static synchronized void lmHeadForward(float[] logits, float[] inp, float[] params, int wteOffset, int N,
                                                  int C, int V) {
        StandaloneCall call = new StandaloneCall(device());
        int logitsAt = call.acts(logits);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.lmHeadForward(logitsAt, inpAt, wteOffset, N, C, V);
        call.download();
    }

    public static synchronized void lmHeadBackward(float[] dinp, float[] grads, float[] dlogits, float[] inp,
                                                   float[] params, int wteOffset, int N, int C, int V) {
        StandaloneCall call = new StandaloneCall(device());
        int dinpAt = call.dacts(dinp);
        call.grads(grads);
        int dlogitsAt = call.dacts(dlogits);
        int inpAt = call.acts(inp);
        call.params(params);
        call.upload();
        shared.lmHeadBackward(dinpAt, dlogitsAt, inpAt, wteOffset, N, C, V);
        call.download();
    }

    public static synchronized void logSoftmaxForward(float[] logProbs, float[] logits, int N, int V) {
        StandaloneCall call = new StandaloneCall(device());
        int logProbsAt = call.acts(logProbs);
        int logitsAt = call.acts(logits);
        call.upload();
        shared.logSoftmaxForward(logProbsAt, logitsAt, N, V);
        call.download();
    }

    public static synchronized void logSoftmaxBackward(float[] dlogits, float[] dlogProbs, float[] logProbs, int N,
                                                       int V) {
        StandaloneCall call = new StandaloneCall(device());
        int dlogitsAt = call.dacts(dlogits);
        int dlogProbsAt = call.dacts(dlogProbs);
        int logProbsAt = call.acts(logProbs);
        call.upload();
        shared.logSoftmaxBackward(dlogitsAt, dlogProbsAt, logProbsAt, N, V);
        call.download();
    }

    // ---- TokenLogProb -----------------------------------------------------------------------------------------

    public static synchronized void tokenLogProbForward(float[] tokenLogProbs, float[] logProbs, int[] tokens,
                                                        int[] lengths, int B, int T, int V) {
        StandaloneCall call = new StandaloneCall(device());
        int tokenLogProbsAt = call.acts(tokenLogProbs);
        int logProbsAt = call.acts(logProbs);
        int tokensAt = call.ints(tokens);
        int lengthsAt = call.ints(lengths);
        call.upload();
        shared.tokenLogProbForward(tokenLogProbsAt, logProbsAt, tokensAt, lengthsAt, B, T, V);
        call.download();
    }

    public static synchronized void tokenLogProbBackward(float[] dlogProbs, float[] dTokenLogProbs, int[] tokens,
                                                         int[] lengths, int B, int T, int V) {
        StandaloneCall call = new StandaloneCall(device());
        int dlogProbsAt = call.dacts(dlogProbs);
        int dTokenLogProbsAt = call.dacts(dTokenLogProbs);
        int tokensAt = call.ints(tokens);
        int lengthsAt = call.ints(lengths);
        call.upload();
        shared.tokenLogProbBackward(dlogProbsAt, dTokenLogProbsAt, tokensAt, lengthsAt, B, T, V);
        call.download();
    }

    public static synchronized void predictionStatistics(float[] entropies, float[] maxProbs, float[] logProbs,
                                                         int[] lengths, int B, int T, int V) {
        StandaloneCall call = new StandaloneCall(device());
        int entropiesAt = call.acts(entropies);
        int maxProbsAt = call.acts(maxProbs);
        int logProbsAt = call.acts(logProbs);
        int lengthsAt = call.ints(lengths);
        call.upload();
        shared.predictionStatistics(entropiesAt, maxProbsAt, logProbsAt, lengthsAt, B, T, V);
        call.download();
    }

    // ---- AdamW, clipping, G's dot product ---------------------------------------------------------------------

    /**
     * Twin of {@code AdamW.step}, with the optimizer state passed in: performs update number {@code stepNumber}
     * (t ≥ 1, the reference's step count after its increment).
     *
     * @param params       [P] updated
     * @param grads        [P]
     * @param firstMoment  [P] m, updated
     * @param secondMoment [P] v, updated
     * @param decayed      [P] true where weight decay applies
     */
    public static synchronized void step(float[] params, float[] grads, float[] firstMoment, float[] secondMoment,
                                         boolean[] decayed, long stepNumber, AdamWSettings settings,
                                         double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        StandaloneCall call = new StandaloneCall(device());
        call.params(params);
        call.grads(grads);
        call.firstMoment(firstMoment);
        call.secondMoment(secondMoment);
        int[] mask = new int[decayed.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = decayed[i] ? 1 : 0;
        }
        call.decayed(mask);
        call.upload();
        shared.step(stepNumber, settings.beta1(), settings.beta2(), settings.epsilon(), settings.weightDecay(),
                learningRate);
        call.download();
    }

    /** Twin of {@code GradientClipping.globalNorm}: ‖g‖₂ by the device's chunked reduction. */
    public static synchronized double globalNorm(float[] grads) {
        StandaloneCall call = new StandaloneCall(device());
        call.grads(grads);
        call.upload();
        double norm = shared.globalNorm();
        call.download();
        return norm;
    }

    /** Twin of {@code GradientClipping.clipGlobalNorm}: clips {@code grads} in place, returns the norm before. */
    public static synchronized double clipGlobalNorm(float[] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        StandaloneCall call = new StandaloneCall(device());
        call.grads(grads);
        call.upload();
        double norm = shared.globalNorm();
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            shared.clipGlobalNorm(coefficient);
        }
        call.download();
        return norm;
    }

    /** Twin of {@code GradientAlignment.dot}: Σ_{i in [start, end)} a[i]·b[i] by the device's chunked reduction. */
    public static synchronized double dot(float[] a, float[] b, int start, int end) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("a and b differ in length: " + a.length + " and " + b.length);
        }
        StandaloneCall call = new StandaloneCall(device());
        call.vector(a);
        call.grads(b);
        call.upload();
        double sum = shared.dot(start, end);
        call.download();
        return sum;
    }
}

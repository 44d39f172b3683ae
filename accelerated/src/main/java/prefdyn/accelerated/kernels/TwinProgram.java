package prefdyn.accelerated.kernels;

import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.layers.Attention;
import prefdyn.reference.layers.Encoder;
import prefdyn.reference.layers.FusedLinear;
import prefdyn.reference.layers.Gelu;
import prefdyn.reference.layers.LastPosition;
import prefdyn.reference.layers.LayerNorm;
import prefdyn.reference.layers.Linear;
import prefdyn.reference.layers.LmHead;
import prefdyn.reference.layers.LogSoftmax;
import prefdyn.reference.layers.Residual;
import prefdyn.reference.layers.TokenLogProb;
import prefdyn.reference.optim.AdamW;
import prefdyn.reference.optim.GradientClipping;

import java.util.List;

import static prefdyn.accelerated.kernels.TwinKernel.paired;
import static prefdyn.accelerated.kernels.TwinKernel.plumbing;

/**
 * The one OpenCL program of the twin, and the table of its kernels.
 *
 * <p>{@link #KERNELS} has one row per kernel ({@link TwinKernel}): its name (the reference method it mirrors), its
 * operation code, the reference class that declares that method, its tolerance against the reference, and where
 * {@link Twins#call} places its array arguments. {@link TwinDevice} records every launch under the row's name,
 * {@link Twins} derives its host-array calls from the rows, and the differential tests of {@code oracle-tests}
 * pair, count and bound every kernel by them (see the checklist in this package's {@code package-info.java}).
 *
 * <p>{@link #run()} calls the work-item body that {@link #op} selects, with the launch arguments {@link TwinDevice}
 * has set. Each line there names which buffer holds each array argument (acts: activations, dacts: their
 * gradients, kvCache: the sampling session's keys and values, ints: token ids, lengths and positions, io: host
 * exchange), so it is also the table of where every kernel reads and writes. Aparapi translates only
 * {@code run()} and what it calls, with the operation codes inlined as constants; the rows are host data.
 */
public final class TwinProgram extends MemoryKernels {

    // Operation codes: compile-time constants, so that Aparapi inlines them in run(); each is the op of exactly one
    // row of KERNELS or PLUMBING below (a repeated code fails at class initialisation). Codes are never reused.
    static final int ENCODER_FORWARD = 1;
    static final int ENCODER_BACKWARD = 2;
    static final int LAYER_NORM_FORWARD = 3;
    static final int LAYER_NORM_BACKWARD = 4;
    static final int LINEAR_FORWARD = 5;
    static final int LINEAR_BACKWARD = 6;
    static final int ATTENTION_FORWARD = 7;
    static final int ATTENTION_BACKWARD = 8;
    static final int GELU_FORWARD = 9;
    static final int GELU_BACKWARD = 10;
    static final int RESIDUAL_FORWARD = 11;
    static final int RESIDUAL_BACKWARD = 12;
    static final int LM_HEAD_FORWARD = 13;
    static final int LM_HEAD_BACKWARD = 14;
    static final int LOG_SOFTMAX_FORWARD = 15;
    static final int LOG_SOFTMAX_BACKWARD = 16;
    static final int TOKEN_LOG_PROB_FORWARD = 17;
    static final int TOKEN_LOG_PROB_BACKWARD = 18;
    static final int PREDICTION_STATISTICS = 19;
    static final int ADAMW_STEP = 20;
    static final int GLOBAL_NORM = 21;
    static final int CLIP_GLOBAL_NORM = 22;
    static final int DOT = 23;
    static final int CLEAR_GRADIENTS = 24;
    static final int CLEAR_GRADIENT_ARENA = 25;
    static final int OUTPUTS_TO_IO = 26;
    static final int IO_TO_SEEDS = 27;
    static final int LINEAR_GELU_FORWARD = 28;
    static final int LINEAR_RESIDUAL_FORWARD = 29;
    static final int LAST_POSITION_FORWARD = 30;
    static final int LINEAR_RESIDUAL_BACKWARD = 31;
    static final int ENCODER_FORWARD_AT_POSITIONS = 32;
    static final int STORE_KEYS_VALUES = 33;
    static final int ATTEND_ONE_QUERY = 34;

    /**
     * The default tolerance of a single kernel: measured rel ≤ 1.9e-7 (logSoftmaxBackward), most 5e-8 to 1.5e-7.
     * Each comment below gives the worst error measured (rel = max|Δ|/max|ref|), as in
     * {@code prefdyn.accelerated.check.Tolerances}; each bound is about ten times it.
     */
    private static final Tolerance KERNEL = new Tolerance(1e-7, 2e-6);

    /** Every kernel paired with a reference method: the table. */
    static final List<TwinKernel> KERNELS = List.of(
            paired(ENCODER_FORWARD, Encoder.class, "encoderForward", KERNEL, // rel 9.8e-8
                    "acts ints params"),
            paired(ENCODER_BACKWARD, Encoder.class, "encoderBackward", KERNEL, // rel 8.4e-8
                    "grads dacts ints"),
            paired(ENCODER_FORWARD_AT_POSITIONS, Encoder.class, "encoderForwardAtPositions", KERNEL, // rel 9.7e-8
                    "acts ints ints params"),
            // rstd amplifies rounding for rows with a small spread (C = 2): out rel 9.3e-6, rstd rel 1.9e-6
            paired(LAYER_NORM_FORWARD, LayerNorm.class, "layerNormForward", new Tolerance(1e-7, 1e-4),
                    "acts acts acts acts params"),
            // the same amplification, twice: dinp |Δ| 1.9e-4 at max|ref| 3.3, rel 5.9e-5
            paired(LAYER_NORM_BACKWARD, LayerNorm.class, "layerNormBackward", new Tolerance(1e-7, 5e-4),
                    "dacts grads dacts acts params acts acts"),
            paired(LINEAR_FORWARD, Linear.class, "linearForward", KERNEL, // rel 1.5e-7
                    "acts acts params"),
            paired(LINEAR_BACKWARD, Linear.class, "linearBackward", KERNEL, // rel 1.7e-7
                    "dacts grads dacts acts params"),
            paired(ATTENTION_FORWARD, Attention.class, "attentionForward", KERNEL, // rel 9.9e-8
                    "acts acts acts"),
            // a scratch buffer for the two passes: Twins.attentionBackward
            paired(ATTENTION_BACKWARD, Attention.class, "attentionBackward", KERNEL, null), // rel 1.4e-7
            // one query at given starts, as the reference takes it: Twins.attendOneQuery
            paired(ATTEND_ONE_QUERY, Attention.class, "attendOneQuery", KERNEL, null), // rel 1.3e-7 (weights 9.7e-8)
            paired(STORE_KEYS_VALUES, Attention.class, "storeKeysValues", KERNEL, // rel 5.3e-8: copies
                    "kvCache kvCache acts ints ints ints"),
            // all-negative inputs give outputs near 0 (max|ref| 7.2e-4), |Δ| 4.1e-8: the absolute term covers it
            paired(GELU_FORWARD, Gelu.class, "geluForward", new Tolerance(1e-6, 2e-6),
                    "acts acts"),
            // 1 − tanh²u loses digits for large |u| in float: rel 3.4e-6
            paired(GELU_BACKWARD, Gelu.class, "geluBackward", new Tolerance(1e-7, 3e-5),
                    "dacts acts dacts"),
            paired(RESIDUAL_FORWARD, Residual.class, "residualForward", KERNEL, // rel 7.7e-8
                    "acts acts acts"),
            paired(RESIDUAL_BACKWARD, Residual.class, "residualBackward", KERNEL, // rel 8.7e-8
                    "dacts dacts dacts"),
            // the fused kernels: a linear output and GELU or a residual add of it; GELU's near-0 outputs need
            // geluForward's absolute term
            paired(LINEAR_GELU_FORWARD, FusedLinear.class, "linearGeluForward", new Tolerance(1e-6, 2e-6), // 1.5e-7
                    "acts acts acts params"),
            paired(LINEAR_RESIDUAL_FORWARD, FusedLinear.class, "linearResidualForward", KERNEL, // rel 1.8e-7
                    "acts acts acts acts params"),
            paired(LINEAR_RESIDUAL_BACKWARD, FusedLinear.class, "linearResidualBackward", KERNEL, // rel 1.2e-7
                    "dacts dacts grads dacts acts params"),
            paired(LAST_POSITION_FORWARD, LastPosition.class, "lastPositionForward", KERNEL, // rel 5.4e-8: a copy
                    "acts acts ints"),
            paired(LM_HEAD_FORWARD, LmHead.class, "lmHeadForward", KERNEL, // rel 1.2e-7
                    "acts acts params"),
            paired(LM_HEAD_BACKWARD, LmHead.class, "lmHeadBackward", KERNEL, // rel 1.5e-7
                    "dacts grads dacts acts params"),
            paired(LOG_SOFTMAX_FORWARD, LogSoftmax.class, "logSoftmaxForward", KERNEL, // rel 9.5e-8
                    "acts acts"),
            paired(LOG_SOFTMAX_BACKWARD, LogSoftmax.class, "logSoftmaxBackward", KERNEL, // rel 1.9e-7
                    "dacts dacts acts"),
            paired(TOKEN_LOG_PROB_FORWARD, TokenLogProb.class, "tokenLogProbForward", KERNEL, // rel 5.5e-8
                    "acts acts ints ints"),
            paired(TOKEN_LOG_PROB_BACKWARD, TokenLogProb.class, "tokenLogProbBackward", KERNEL, // rel 5.5e-8
                    "dacts dacts ints ints"),
            paired(PREDICTION_STATISTICS, TokenLogProb.class, "predictionStatistics", KERNEL, // rel 1.1e-7
                    "acts acts acts ints"),
            // the optimizer state and step number are passed in: Twins.step (θ rel 1.0e-7, m 9.6e-8, v 1.0e-7)
            paired(ADAMW_STEP, AdamW.class, "step", KERNEL, null),
            // chunked float sums of up to 3000 squares: rel 4.5e-7 (globalNorm), 3.6e-7 (clipGlobalNorm); they
            // return the norm: Twins.globalNorm, Twins.clipGlobalNorm
            paired(GLOBAL_NORM, GradientClipping.class, "globalNorm", new Tolerance(1e-7, 5e-6), null),
            paired(CLIP_GLOBAL_NORM, GradientClipping.class, "clipGlobalNorm", new Tolerance(1e-7, 5e-6), null),
            // a dot product of up to 3000 N(0,1) pairs, which can cancel to near 0: |Δ| 7.0e-5 at |ref| 90 and
            // 1.3e-5 at |ref| 1.3; the absolute term is ten times the former, for sums of this size
            // (Σ|aᵢbᵢ| ≈ 2000). It returns the sum: Twins.dot
            paired(DOT, GradientAlignment.class, "dot", new Tolerance(7e-4, 2e-6), null));

    /** The operations without a reference counterpart: clearing and copying. */
    static final List<TwinKernel> PLUMBING = List.of(
            plumbing(CLEAR_GRADIENTS, "fill"),
            plumbing(CLEAR_GRADIENT_ARENA, "fill"),
            plumbing(OUTPUTS_TO_IO, "copy"),
            plumbing(IO_TO_SEEDS, "copy"));

    /** Each operation code's name, for the launch records (checks that no two rows share a code). */
    static final String[] NAMES_BY_OP = TwinKernel.namesByOp(KERNELS, PLUMBING);

    TwinProgram() {
    }

    @Override
    public void run() {
        int item = getGlobalId();
        if (item < items) {
            if (op == ENCODER_FORWARD) {
                encoderForward(item, acts, o0, ints, o1, params, p0, p1, T, C);
            } else if (op == ENCODER_FORWARD_AT_POSITIONS) {
                encoderForwardAtPositions(item, acts, o0, ints, o1, ints, o2, params, p0, p1, C);
            } else if (op == ENCODER_BACKWARD) {
                encoderBackward(item, grads, p0, p1, dacts, o0, ints, o1, B, T, C);
            } else if (op == LAYER_NORM_FORWARD) {
                layerNormForward(item, acts, o0, acts, o1, acts, o2, acts, o3, params, p0, p1, C, eps);
            } else if (op == LAYER_NORM_BACKWARD) {
                layerNormBackward(item, dacts, o0, grads, dacts, o1, acts, o2, params, p0, p1, acts, o3, acts, o4, N, C);
            } else if (op == LINEAR_FORWARD) {
                linearForward(item, acts, o0, acts, o1, params, p0, p1, I, O);
            } else if (op == LINEAR_BACKWARD) {
                linearBackward(item, dacts, o0, grads, dacts, o1, acts, o2, params, p0, p1, N, I, O);
            } else if (op == LINEAR_GELU_FORWARD) {
                linearGeluForward(item, acts, o0, acts, o1, acts, o2, params, p0, p1, I, O);
            } else if (op == LINEAR_RESIDUAL_FORWARD) {
                linearResidualForward(item, acts, o0, acts, o1, acts, o2, acts, o3, params, p0, p1, I, O);
            } else if (op == LINEAR_RESIDUAL_BACKWARD) {
                linearResidualBackward(item, dacts, o0, dacts, o1, grads, dacts, o2, acts, o3, params, p0, p1, N, I, O);
            } else if (op == ATTENTION_FORWARD) {
                attentionForward(item, acts, o0, acts, o1, acts, o2, T, C, H);
            } else if (op == ATTEND_ONE_QUERY) {
                attendOneQuery(item, acts, o0, acts, o1, acts, o2, kvCache, o3, kvCache, o4, ints, o5, ints, o6, C, H,
                        T, stride);
            } else if (op == STORE_KEYS_VALUES) {
                storeKeysValues(item, kvCache, o0, kvCache, o1, acts, o2, ints, o3, ints, o4, ints, o5, C, T);
            } else if (op == ATTENTION_BACKWARD) {
                attentionBackward(item, pass, dacts, o0, dacts, o1, acts, o2, acts, o3, dacts, o4, T, C, H);
            } else if (op == GELU_FORWARD) {
                geluForward(item, acts, o0, acts, o1);
            } else if (op == GELU_BACKWARD) {
                geluBackward(item, dacts, o0, acts, o1, dacts, o2);
            } else if (op == RESIDUAL_FORWARD) {
                residualForward(item, acts, o0, acts, o1, acts, o2);
            } else if (op == RESIDUAL_BACKWARD) {
                residualBackward(item, dacts, o0, dacts, o1, dacts, o2);
            } else if (op == LAST_POSITION_FORWARD) {
                lastPositionForward(item, acts, o0, acts, o1, ints, o2, T, C);
            } else if (op == LM_HEAD_FORWARD) {
                lmHeadForward(item, acts, o0, acts, o1, params, p0, C, V);
            } else if (op == LM_HEAD_BACKWARD) {
                lmHeadBackward(item, dacts, o0, grads, dacts, o1, acts, o2, params, p0, N, C, V);
            } else if (op == LOG_SOFTMAX_FORWARD) {
                logSoftmaxForward(item, acts, o0, acts, o1, V);
            } else if (op == LOG_SOFTMAX_BACKWARD) {
                logSoftmaxBackward(item, dacts, o0, dacts, o1, acts, o2, V);
            } else if (op == TOKEN_LOG_PROB_FORWARD) {
                tokenLogProbForward(item, acts, o0, acts, o1, ints, o2, ints, o3, T, V);
            } else if (op == TOKEN_LOG_PROB_BACKWARD) {
                tokenLogProbBackward(item, dacts, o0, dacts, o1, ints, o2, ints, o3, T, V);
            } else if (op == PREDICTION_STATISTICS) {
                predictionStatistics(item, acts, o0, acts, o1, acts, o2, ints, o3, T, V);
            } else if (op == ADAMW_STEP) {
                step(item, params, grads, firstMoment, secondMoment, decayed, decayFactor, beta1, oneMinusBeta1,
                        beta2, oneMinusBeta2, stepSize, biasCorrection2Sqrt, epsilon);
            } else if (op == GLOBAL_NORM) {
                globalNorm(item, io, o0, grads, N, chunk);
            } else if (op == CLIP_GLOBAL_NORM) {
                clipGlobalNorm(item, grads, coefficient);
            } else if (op == DOT) {
                dot(item, io, o0, vector, grads, o1, o2, chunk);
            } else if (op == CLEAR_GRADIENTS) {
                fill(item, grads, o0);
            } else if (op == CLEAR_GRADIENT_ARENA) {
                fill(item, dacts, o0);
            } else if (op == OUTPUTS_TO_IO) {
                copy(item, io, o0, acts, o1);
            } else if (op == IO_TO_SEEDS) {
                copy(item, dacts, o0, io, o1);
            }
        }
    }
}

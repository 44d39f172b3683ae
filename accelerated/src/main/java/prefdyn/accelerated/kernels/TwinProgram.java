package prefdyn.accelerated.kernels;

/**
 * The one OpenCL program of the twin: {@link #run()} calls the work-item body that {@link #op} selects, with the
 * launch arguments {@link TwinDevice} has set. Each line below names which buffer holds each array argument
 * (acts: activations, dacts: their gradients, kvCache: the sampling session's keys and values, ints: token ids,
 * lengths and positions, io: host exchange), so this method is
 * also the table of where every twin reads and writes.
 */
public final class TwinProgram extends MemoryKernels {

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

package prefdyn.accelerated.kernels;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static prefdyn.accelerated.kernels.TwinProgram.*;

/**
 * The host side of the twin: owns the {@link TwinProgram} and its device memory, launches one work-item body per
 * call, and records where each launch ran.
 *
 * <p>Every launch method is named like the reference method it mirrors and takes the reference's arguments, with
 * each array replaced by the offset of that tensor inside the device buffer that holds it (see the table in
 * {@link TwinProgram#run()}), and without the {@code Parallel}: the device runs the work items.
 *
 * <p>Data moves only through the {@code write…}/{@code read…} and arena methods, by Aparapi's {@code put} (applied
 * at the next launch) and {@code get}. A buffer written on the host and not yet launched with is read back from
 * the host copy, which is then the newest.
 */
public final class TwinDevice implements AutoCloseable {

    /** Work-group size of every OpenCL launch; the number of work items is rounded up to a multiple of it. */
    private static final int GROUP_SIZE = 64;
    /**
     * Elements per partial sum of the reductions (‖g‖², a·b). A constant, so the partial sums, and hence the
     * result, do not depend on the device.
     */
    public static final int REDUCTION_CHUNK = 1024;

    /**
     * Smallest length of a device-resident array on a GPU: 4 Mi floats = 16 MiB. Aparapi re-creates a device buffer
     * from the Java array whenever the garbage collector has moved that array since the last launch, which on a
     * device with its own memory would replace the device's data by the host's stale copy. G1, the default
     * collector, keeps arrays of at least half a region (regions are at most 32 MiB unless configured larger) as
     * humongous objects that young and mixed collections never move.
     */
    public static final int GPU_MINIMUM_LENGTH = 4 << 20;

    private final TwinProgram program = new TwinProgram();
    private final FallbackPolicy policy;
    private final int minimumLength;
    private int parameterCount;
    private Device device;
    private boolean deviceHoldsData;
    private boolean closed;
    private final Map<String, long[]> launchCounts = new LinkedHashMap<>(); // name → {launches, on OpenCL, nanos}
    private long launches; // every launch of every kernel, for launchCount()
    private final Map<String, String> lastDevice = new LinkedHashMap<>();
    private final Set<Object> pendingUploads = Collections.newSetFromMap(new IdentityHashMap<>());

    private TwinDevice(FallbackPolicy policy, Device device) {
        this.policy = policy;
        this.device = device;
        boolean sharesHostMemory = !(device instanceof OpenCLDevice openCl) || openCl.getType() == Device.TYPE.CPU;
        boolean forced = Boolean.getBoolean("prefdyn.accelerated.gpuSizedArrays"); // to try the GPU rule on PoCL
        this.minimumLength = sharesHostMemory && !forced ? 1 : GPU_MINIMUM_LENGTH;
        program.setExplicit(true);
    }

    /**
     * Opens the twin on Aparapi's best OpenCL device.
     *
     * @throws KernelFallbackException with {@link FallbackPolicy#FAIL_FAST} when there is no OpenCL device
     */
    public static TwinDevice open(FallbackPolicy policy) {
        Device best = OpenClDevices.best();
        if (!(best instanceof OpenCLDevice)) {
            if (policy == FallbackPolicy.FAIL_FAST) {
                throw new KernelFallbackException("no OpenCL device: Aparapi's best device is "
                        + OpenClDevices.describe(best) + ". Install one, e.g. PoCL: " + OpenClDevices.INSTALL_COMMAND,
                        null);
            }
            best = JavaDevice.THREAD_POOL;
        }
        return new TwinDevice(policy, best);
    }

    /**
     * Opens the twin on Aparapi's Java thread pool, without OpenCL: the same kernel code runs as plain Java float
     * arithmetic. Slow; it exists to tell float32 rounding (present here too) from anything OpenCL adds.
     */
    public static TwinDevice openOnJavaThreads() {
        return new TwinDevice(FallbackPolicy.ALLOW_JAVA_FALLBACK, JavaDevice.THREAD_POOL);
    }

    /** The device the next launch targets, in words. */
    public String deviceDescription() {
        return OpenClDevices.describe(device);
    }

    /** Every kernel launched so far, in order of first launch. */
    public List<KernelExecution> executions() {
        List<KernelExecution> executions = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : launchCounts.entrySet()) {
            long[] counts = entry.getValue();
            executions.add(new KernelExecution(entry.getKey(), counts[0], counts[1], lastDevice.get(entry.getKey()),
                    counts[2] / 1e9));
        }
        return executions;
    }

    /**
     * How many kernel launches this device has made so far, all kernels together (each {@code execute} of the
     * program is one launch; the two passes of attention's backward are two). A plain counter, cheap enough to read
     * before and after any piece of work: on a GPU every launch costs a few microseconds of host and driver time
     * whatever its size, so for a tiny model the count times that cost bounds the step time from below.
     */
    public long launchCount() {
        return launches;
    }

    /** True when at least one kernel ran and every launch of every kernel ran on an OpenCL device. */
    public boolean kernelsRunOnOpenCl() {
        List<KernelExecution> executions = executions();
        return !executions.isEmpty() && executions.stream().allMatch(KernelExecution::ranOnOpenCl);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            program.dispose();
        }
    }

    // ---- parameter-shaped buffers [P] ----------------------------------------------------------------------

    /**
     * Allocates θ, ∂L/∂θ, m, v, the decay mask and the extra vector, all zero, for P parameters (on a GPU with at
     * least {@link #GPU_MINIMUM_LENGTH} elements each; only the first P are used).
     */
    public void allocateParameterBuffers(int size) {
        parameterCount = size;
        program.params = uploaded(deviceArray(size));
        program.grads = uploaded(deviceArray(size));
        program.firstMoment = uploaded(deviceArray(size));
        program.secondMoment = uploaded(deviceArray(size));
        program.decayed = uploaded(new int[Math.max(size, minimumLength)]);
        program.vector = uploaded(deviceArray(size));
    }

    /** Number of parameters P. */
    public int parameterCount() {
        return parameterCount;
    }

    /** Sets P for arrays bound by a standalone call. */
    void setParameterCount(int size) {
        parameterCount = size;
    }

    public void writeParameters(double[] source) {
        write(source, program.params);
    }

    public void readParameters(double[] destination) {
        read(program.params, destination);
    }

    public void writeGradients(double[] source) {
        write(source, program.grads);
    }

    public void readGradients(double[] destination) {
        read(program.grads, destination);
    }

    /** Sets the vector that {@link #dot} multiplies the gradient with. */
    public void writeVector(double[] source) {
        write(source, program.vector);
    }

    public void writeFirstMoment(double[] source) {
        write(source, program.firstMoment);
    }

    public void readFirstMoment(double[] destination) {
        read(program.firstMoment, destination);
    }

    public void writeSecondMoment(double[] source) {
        write(source, program.secondMoment);
    }

    public void readSecondMoment(double[] destination) {
        read(program.secondMoment, destination);
    }

    /** decayed[i] true where AdamW applies weight decay. */
    public void writeDecayMask(boolean[] decayed) {
        int[] mask = program.decayed;
        checkLength(decayed.length, parameterCount);
        for (int i = 0; i < decayed.length; i++) {
            mask[i] = decayed[i] ? 1 : 0;
        }
        upload(mask);
    }

    // ---- arenas ------------------------------------------------------------------------------------------

    /**
     * Makes the activation arena hold at least {@code size} floats, keeping its first {@code preserved} floats
     * (copied back from the device first when it has to grow).
     */
    public void reserveActivations(int size, int preserved) {
        float[] acts = program.acts;
        if (acts.length < size) {
            if (preserved > 0) {
                download(acts);
            }
            float[] grown = deviceArray(Math.max(size, acts.length + acts.length / 2));
            System.arraycopy(acts, 0, grown, 0, Math.min(preserved, acts.length));
            program.acts = uploaded(grown);
        }
    }

    /**
     * Makes the KV cache buffer hold at least {@code size} floats. Its content is not kept: a sampling session
     * reserves it when it starts, before it stores anything.
     */
    public void reserveKeyValueCache(int size) {
        if (program.kvCache.length < size) {
            program.kvCache = uploaded(deviceArray(Math.max(size, program.kvCache.length + program.kvCache.length / 2)));
        }
    }

    /** Makes the gradient arena hold at least {@code size} floats (its content is not kept). */
    public void reserveGradientArena(int size) {
        if (program.dacts.length < size) {
            program.dacts = uploaded(deviceArray(Math.max(size, program.dacts.length + program.dacts.length / 2)));
        }
    }

    /**
     * The host copy of the integer inputs, at least {@code size} long (content kept: the host writes all of it).
     * Write into it, then call {@link #uploadInts()}.
     */
    public int[] intsForWriting(int size) {
        if (program.ints.length < size) {
            program.ints = Arrays.copyOf(program.ints, Math.max(size, program.ints.length + program.ints.length / 2));
        }
        return program.ints;
    }

    public void uploadInts() {
        upload(program.ints);
    }

    /** The host copy of the exchange area, at least {@code size} long; write, then {@link #uploadIo()}. */
    public float[] ioForWriting(int size) {
        reserveIo(size);
        return program.io;
    }

    public void uploadIo() {
        upload(program.io);
    }

    /** The exchange area, copied back from the device. */
    public float[] downloadIo() {
        download(program.io);
        return program.io;
    }

    private void reserveIo(int size) {
        if (program.io.length < size) {
            program.io = uploaded(new float[Math.max(size, program.io.length + program.io.length / 2)]);
        }
    }

    // ---- the twins: one launch per call --------------------------------------------------------------------

    /** {@code Encoder.encoderForward}: out (acts) [B,T,C], tokens (ints) [B,T]. */
    public void encoderForward(int out, int tokens, int wteOffset, int wpeOffset, int B, int T, int C) {
        program.o0 = out;
        program.o1 = tokens;
        program.p0 = wteOffset;
        program.p1 = wpeOffset;
        program.T = T;
        program.C = C;
        launch(ENCODER_FORWARD, B * T * C);
    }

    /**
     * {@code Encoder.encoderForwardAtPositions}: out (acts) [N,C], tokens and positions (ints) [N]: one new position
     * per row.
     */
    public void encoderForwardAtPositions(int out, int tokens, int positions, int wteOffset, int wpeOffset, int N,
                                          int C) {
        program.o0 = out;
        program.o1 = tokens;
        program.o2 = positions;
        program.p0 = wteOffset;
        program.p1 = wpeOffset;
        program.C = C;
        launch(ENCODER_FORWARD_AT_POSITIONS, N * C);
    }

    /** {@code Encoder.encoderBackward}: dout (dacts) [B,T,C], tokens (ints) [B,T]; accumulates into the gradient. */
    public void encoderBackward(int wteOffset, int wpeOffset, int dout, int tokens, int B, int T, int C) {
        program.p0 = wteOffset;
        program.p1 = wpeOffset;
        program.o0 = dout;
        program.o1 = tokens;
        program.B = B;
        program.T = T;
        program.C = C;
        launch(ENCODER_BACKWARD, C);
    }

    /** {@code LayerNorm.layerNormForward}: out [N,C], mean [N], rstd [N], inp [N,C], all in acts. */
    public void layerNormForward(int out, int mean, int rstd, int inp, int weightOffset, int biasOffset, int N, int C,
                                 double eps) {
        program.o0 = out;
        program.o1 = mean;
        program.o2 = rstd;
        program.o3 = inp;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.C = C;
        program.eps = (float) eps;
        launch(LAYER_NORM_FORWARD, N);
    }

    /** {@code LayerNorm.layerNormBackward}: dinp, dout (dacts) [N,C]; inp [N,C], mean, rstd [N] (acts). */
    public void layerNormBackward(int dinp, int dout, int inp, int weightOffset, int biasOffset, int mean, int rstd,
                                  int N, int C) {
        program.o0 = dinp;
        program.o1 = dout;
        program.o2 = inp;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.o3 = mean;
        program.o4 = rstd;
        program.N = N;
        program.C = C;
        launch(LAYER_NORM_BACKWARD, N + C);
    }

    /** {@code Linear.linearForward}: out [N,O], inp [N,I] (acts); biasOffset −1 for none. */
    public void linearForward(int out, int inp, int weightOffset, int biasOffset, int N, int I, int O) {
        program.o0 = out;
        program.o1 = inp;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.I = I;
        program.O = O;
        launch(LINEAR_FORWARD, N * O);
    }

    /** {@code Linear.linearBackward}: dinp [N,I] (dacts; −1 for none), dout [N,O] (dacts), inp [N,I] (acts). */
    public void linearBackward(int dinp, int dout, int inp, int weightOffset, int biasOffset, int N, int I, int O) {
        program.o0 = dinp;
        program.o1 = dout;
        program.o2 = inp;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.N = N;
        program.I = I;
        program.O = O;
        launch(LINEAR_BACKWARD, (dinp < 0 ? 0 : N * I) + I * O + (biasOffset < 0 ? 0 : O));
    }

    /** {@code FusedLinear.linearGeluForward}: out, outGelu [N,O], inp [N,I] (acts); biasOffset −1 for none. */
    public void linearGeluForward(int out, int outGelu, int inp, int weightOffset, int biasOffset, int N, int I,
                                  int O) {
        program.o0 = out;
        program.o1 = outGelu;
        program.o2 = inp;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.I = I;
        program.O = O;
        launch(LINEAR_GELU_FORWARD, N * O);
    }

    /**
     * {@code FusedLinear.linearResidualForward}: out, sum [N,O], inp [N,I], residual [N,O] (acts); biasOffset −1 for
     * none.
     */
    public void linearResidualForward(int out, int sum, int inp, int residual, int weightOffset, int biasOffset,
                                      int N, int I, int O) {
        program.o0 = out;
        program.o1 = sum;
        program.o2 = inp;
        program.o3 = residual;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.I = I;
        program.O = O;
        launch(LINEAR_RESIDUAL_FORWARD, N * O);
    }

    /**
     * {@code FusedLinear.linearResidualBackward}: dinp [N,I] (dacts; −1 for none), dresidual, dsum [N,O] (dacts),
     * inp [N,I] (acts).
     */
    public void linearResidualBackward(int dinp, int dresidual, int dsum, int inp, int weightOffset, int biasOffset,
                                       int N, int I, int O) {
        program.o0 = dinp;
        program.o1 = dresidual;
        program.o2 = dsum;
        program.o3 = inp;
        program.p0 = weightOffset;
        program.p1 = biasOffset;
        program.N = N;
        program.I = I;
        program.O = O;
        launch(LINEAR_RESIDUAL_BACKWARD,
                (dinp < 0 ? 0 : N * I) + I * O + (biasOffset < 0 ? 0 : O) + N * O);
    }

    /** {@code Attention.attentionForward}: out [B,T,C], att [B,H,T,T], qkv [B,T,3C], all in acts. */
    public void attentionForward(int out, int att, int qkv, int B, int T, int C, int H) {
        program.o0 = out;
        program.o1 = att;
        program.o2 = qkv;
        program.T = T;
        program.C = C;
        program.H = H;
        launch(ATTENTION_FORWARD, B * H * T);
    }

    /**
     * {@code Attention.attendOneQuery} for each of N rows and H heads, as {@code IncrementalForward} calls it: row n's
     * query in query (acts) [N,3C] attends over positions 0..positions[n] of cached sequence sequences[n] in keys and
     * values (kvCache) [S,T,C] (consecutive positions {@code stride} apart); out (acts) [N,C], weights (acts)
     * [N,H,T] scratch; positions and sequences (ints) [N].
     */
    public void attendOneQuery(int out, int weights, int query, int keys, int values, int positions, int sequences,
                               int N, int C, int H, int T, int stride) {
        program.o0 = out;
        program.o1 = weights;
        program.o2 = query;
        program.o3 = keys;
        program.o4 = values;
        program.o5 = positions;
        program.o6 = sequences;
        program.C = C;
        program.H = H;
        program.T = T;
        program.stride = stride;
        launch(ATTEND_ONE_QUERY, N * H);
    }

    /**
     * {@code Attention.storeKeysValues}: keys and values (kvCache) [S,maxT,C] written at R slots from qkv (acts)
     * [·,3C]; qkvRows, sequences and positions (ints) [R].
     */
    public void storeKeysValues(int keys, int values, int qkv, int qkvRows, int sequences, int positions, int R,
                                int C, int maxT) {
        program.o0 = keys;
        program.o1 = values;
        program.o2 = qkv;
        program.o3 = qkvRows;
        program.o4 = sequences;
        program.o5 = positions;
        program.C = C;
        program.T = maxT;
        launch(STORE_KEYS_VALUES, R * C);
    }

    /**
     * {@code Attention.attentionBackward}: dqkv [B,T,3C], dout [B,T,C] (dacts); qkv, att (acts); scratch
     * [B,H,T,T] (dacts) for the two passes.
     */
    public void attentionBackward(int dqkv, int dout, int qkv, int att, int scratch, int B, int T, int C, int H) {
        program.o0 = dqkv;
        program.o1 = dout;
        program.o2 = qkv;
        program.o3 = att;
        program.o4 = scratch;
        program.T = T;
        program.C = C;
        program.H = H;
        for (int backwardPass = 0; backwardPass < 2; backwardPass++) {
            program.pass = backwardPass;
            launch(ATTENTION_BACKWARD, B * H * T);
        }
    }

    /** {@code Gelu.geluForward}: out, inp [N] (acts). */
    public void geluForward(int out, int inp, int N) {
        program.o0 = out;
        program.o1 = inp;
        launch(GELU_FORWARD, N);
    }

    /** {@code Gelu.geluBackward}: dinp (dacts), inp (acts), dout (dacts), [N] each. */
    public void geluBackward(int dinp, int inp, int dout, int N) {
        program.o0 = dinp;
        program.o1 = inp;
        program.o2 = dout;
        launch(GELU_BACKWARD, N);
    }

    /** {@code Residual.residualForward}: out, inp1, inp2 [N] (acts). */
    public void residualForward(int out, int inp1, int inp2, int N) {
        program.o0 = out;
        program.o1 = inp1;
        program.o2 = inp2;
        launch(RESIDUAL_FORWARD, N);
    }

    /** {@code Residual.residualBackward}: dinp1, dinp2, dout [N] (dacts). */
    public void residualBackward(int dinp1, int dinp2, int dout, int N) {
        program.o0 = dinp1;
        program.o1 = dinp2;
        program.o2 = dout;
        launch(RESIDUAL_BACKWARD, N);
    }

    /** {@code LastPosition.lastPositionForward}: out [B,C], inp [B,T,C] (acts); lengths [B] (ints). */
    public void lastPositionForward(int out, int inp, int lengths, int B, int T, int C) {
        program.o0 = out;
        program.o1 = inp;
        program.o2 = lengths;
        program.T = T;
        program.C = C;
        launch(LAST_POSITION_FORWARD, B * C);
    }

    /** {@code LmHead.lmHeadForward}: logits [N,V], inp [N,C] (acts). */
    public void lmHeadForward(int logits, int inp, int wteOffset, int N, int C, int V) {
        program.o0 = logits;
        program.o1 = inp;
        program.p0 = wteOffset;
        program.C = C;
        program.V = V;
        launch(LM_HEAD_FORWARD, N * V);
    }

    /** {@code LmHead.lmHeadBackward}: dinp [N,C], dlogits [N,V] (dacts); inp [N,C] (acts). */
    public void lmHeadBackward(int dinp, int dlogits, int inp, int wteOffset, int N, int C, int V) {
        program.o0 = dinp;
        program.o1 = dlogits;
        program.o2 = inp;
        program.p0 = wteOffset;
        program.N = N;
        program.C = C;
        program.V = V;
        launch(LM_HEAD_BACKWARD, N * C + V * C);
    }

    /** {@code LogSoftmax.logSoftmaxForward}: logProbs, logits [N,V] (acts). */
    public void logSoftmaxForward(int logProbs, int logits, int N, int V) {
        program.o0 = logProbs;
        program.o1 = logits;
        program.V = V;
        launch(LOG_SOFTMAX_FORWARD, N);
    }

    /** {@code LogSoftmax.logSoftmaxBackward}: dlogits, dlogProbs [N,V] (dacts); logProbs [N,V] (acts). */
    public void logSoftmaxBackward(int dlogits, int dlogProbs, int logProbs, int N, int V) {
        program.o0 = dlogits;
        program.o1 = dlogProbs;
        program.o2 = logProbs;
        program.V = V;
        launch(LOG_SOFTMAX_BACKWARD, N);
    }

    /** {@code TokenLogProb.tokenLogProbForward}: tokenLogProbs [B,T], logProbs [B,T,V] (acts); tokens, lengths (ints). */
    public void tokenLogProbForward(int tokenLogProbs, int logProbs, int tokens, int lengths, int B, int T, int V) {
        program.o0 = tokenLogProbs;
        program.o1 = logProbs;
        program.o2 = tokens;
        program.o3 = lengths;
        program.T = T;
        program.V = V;
        launch(TOKEN_LOG_PROB_FORWARD, B * T);
    }

    /** {@code TokenLogProb.tokenLogProbBackward}: dlogProbs [B,T,V], dTokenLogProbs [B,T] (dacts); tokens, lengths. */
    public void tokenLogProbBackward(int dlogProbs, int dTokenLogProbs, int tokens, int lengths, int B, int T, int V) {
        program.o0 = dlogProbs;
        program.o1 = dTokenLogProbs;
        program.o2 = tokens;
        program.o3 = lengths;
        program.T = T;
        program.V = V;
        launch(TOKEN_LOG_PROB_BACKWARD, B * T);
    }

    /** {@code TokenLogProb.predictionStatistics}: entropies, maxProbs [B,T], logProbs [B,T,V] (acts); lengths. */
    public void predictionStatistics(int entropies, int maxProbs, int logProbs, int lengths, int B, int T, int V) {
        program.o0 = entropies;
        program.o1 = maxProbs;
        program.o2 = logProbs;
        program.o3 = lengths;
        program.T = T;
        program.V = V;
        launch(PREDICTION_STATISTICS, B * T);
    }

    /**
     * {@code AdamW.step} over all P parameters, with the scalars of step t computed as the reference does, in
     * float64, and rounded once:
     * stepSize = lr/(1 − β₁ᵗ), biasCorrection2Sqrt = √(1 − β₂ᵗ), decayFactor = 1 − lr·λ.
     */
    public void step(long t, double beta1, double beta2, double epsilon, double weightDecay, double learningRate) {
        program.beta1 = (float) beta1;
        program.oneMinusBeta1 = (float) (1.0 - beta1);
        program.beta2 = (float) beta2;
        program.oneMinusBeta2 = (float) (1.0 - beta2);
        program.epsilon = (float) epsilon;
        program.stepSize = (float) (learningRate / (1.0 - Math.pow(beta1, t)));
        program.biasCorrection2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
        program.decayFactor = (float) (1.0 - learningRate * weightDecay);
        launch(ADAMW_STEP, parameterCount);
    }

    /**
     * {@code GradientClipping.globalNorm} of the gradient: the device adds squares chunk by chunk, the host adds
     * the ⌈P/chunk⌉ partial sums in ascending order, in float64.
     */
    public double globalNorm() {
        int size = parameterCount;
        int chunks = (size + REDUCTION_CHUNK - 1) / REDUCTION_CHUNK;
        reserveIo(chunks);
        program.o0 = 0;
        program.N = size;
        program.chunk = REDUCTION_CHUNK;
        launch(GLOBAL_NORM, chunks);
        return Math.sqrt(sumOfPartials(chunks));
    }

    /** The scaling of {@code GradientClipping.clipGlobalNorm}: g ← g · coefficient. */
    public void clipGlobalNorm(double coefficient) {
        program.coefficient = (float) coefficient;
        launch(CLIP_GLOBAL_NORM, parameterCount);
    }

    /** {@code GradientAlignment.dot} of the vector and the gradient over [start, end); partial sums as in {@link #globalNorm}. */
    public double dot(int start, int end) {
        int chunks = (end - start + REDUCTION_CHUNK - 1) / REDUCTION_CHUNK;
        if (chunks == 0) {
            return 0.0;
        }
        reserveIo(chunks);
        program.o0 = 0;
        program.o1 = start;
        program.o2 = end;
        program.chunk = REDUCTION_CHUNK;
        launch(DOT, chunks);
        return sumOfPartials(chunks);
    }

    /** Sets the whole gradient [P] to zero. */
    public void clearGradients() {
        program.o0 = 0;
        launch(CLEAR_GRADIENTS, parameterCount);
    }

    /** Sets dacts[offset, offset + n) to zero. */
    public void clearGradientArena(int offset, int n) {
        program.o0 = offset;
        launch(CLEAR_GRADIENT_ARENA, n);
    }

    /** io[ioOffset + i] = acts[actsOffset + i], i in [0, n); the exchange area grows to fit. */
    public void activationsToIo(int ioOffset, int actsOffset, int n) {
        reserveIo(ioOffset + n);
        program.o0 = ioOffset;
        program.o1 = actsOffset;
        launch(OUTPUTS_TO_IO, n);
    }

    /** dacts[dactsOffset + i] = io[ioOffset + i], i in [0, n). */
    public void ioToGradientArena(int dactsOffset, int ioOffset, int n) {
        program.o0 = dactsOffset;
        program.o1 = ioOffset;
        launch(IO_TO_SEEDS, n);
    }

    // ---- package-private access for the standalone twins ------------------------------------------------------

    TwinProgram program() {
        return program;
    }

    /** Marks a buffer the host has written: Aparapi copies it to the device at the next launch. */
    void upload(Object buffer) {
        if (buffer instanceof float[] floats) {
            program.put(floats);
        } else if (buffer instanceof int[] integers) {
            program.put(integers);
        } else {
            throw new IllegalArgumentException("not a buffer: " + buffer);
        }
        pendingUploads.add(buffer);
    }

    /** Copies a buffer back from the device, unless the host copy is the newest (written, not yet launched). */
    void download(float[] buffer) {
        requireOpen();
        if (!pendingUploads.contains(buffer)) {
            program.get(buffer);
        }
    }

    // ---- internals -----------------------------------------------------------------------------------------

    private <A> A uploaded(A buffer) {
        upload(buffer);
        return buffer;
    }

    /** A zero array of {@code length} floats, at least {@link #GPU_MINIMUM_LENGTH} long on a GPU. */
    private float[] deviceArray(int length) {
        return new float[Math.max(length, minimumLength)];
    }

    /** Writes the P values of {@code source} into a parameter-shaped buffer and marks it for upload. */
    private void write(double[] source, float[] target) {
        checkLength(source.length, parameterCount);
        for (int i = 0; i < parameterCount; i++) {
            target[i] = (float) source[i];
        }
        upload(target);
    }

    /** Copies the first P values of a parameter-shaped buffer back from the device. */
    private void read(float[] source, double[] destination) {
        checkLength(destination.length, parameterCount);
        download(source);
        for (int i = 0; i < parameterCount; i++) {
            destination[i] = source[i];
        }
    }

    private static void checkLength(int given, int expected) {
        if (given != expected) {
            throw new IllegalArgumentException("expected an array of " + expected + " values, got " + given);
        }
    }

    private double sumOfPartials(int chunks) {
        float[] partials = downloadIo();
        double sum = 0;
        for (int k = 0; k < chunks; k++) {
            sum += partials[k];
        }
        return sum;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the twin's device has been closed");
        }
    }

    /**
     * Runs {@code run()} over {@code workItems} items with operation {@code op} and records where it ran, under the
     * name of the op's row in {@link TwinProgram}'s table. A
     * launch that fails on OpenCL may move to Aparapi's Java thread pool only under
     * {@link FallbackPolicy#ALLOW_JAVA_FALLBACK} and only while nothing lives on the device yet; otherwise it
     * throws {@link KernelFallbackException}.
     */
    private void launch(int op, int workItems) {
        requireOpen();
        String name = TwinKernel.nameOf(op);
        if (workItems <= 0) {
            return;
        }
        program.op = op;
        program.items = workItems;
        long start = System.nanoTime();
        try {
            program.execute(range(workItems));
        } catch (RuntimeException | Error failure) {
            if (policy == FallbackPolicy.FAIL_FAST || deviceHoldsData || device == JavaDevice.THREAD_POOL) {
                throw new KernelFallbackException("kernel " + name + " failed on " + deviceDescription()
                        + (deviceHoldsData ? " after earlier kernels ran there (their data is on the device)" : "")
                        + ": " + failure, failure);
            }
            device = JavaDevice.THREAD_POOL;
            program.execute(range(workItems));
        }
        pendingUploads.clear();
        boolean onOpenCl = device instanceof OpenCLDevice && program.isRunningCL()
                && program.getTargetDevice() instanceof OpenCLDevice;
        launches++;
        long[] counts = launchCounts.computeIfAbsent(name, key -> new long[3]);
        counts[0]++;
        counts[1] += onOpenCl ? 1 : 0;
        counts[2] += System.nanoTime() - start;
        lastDevice.put(name, onOpenCl ? deviceDescription() : OpenClDevices.describe(JavaDevice.THREAD_POOL));
        if (onOpenCl) {
            deviceHoldsData = true;
        } else if (policy == FallbackPolicy.FAIL_FAST) {
            throw new KernelFallbackException("kernel " + name + " ran on the Java thread pool, not on OpenCL ("
                    + deviceDescription() + ")", null);
        }
    }

    private Range range(int workItems) {
        if (device instanceof OpenCLDevice) {
            int global = (workItems + GROUP_SIZE - 1) / GROUP_SIZE * GROUP_SIZE;
            return Range.create(device, global, GROUP_SIZE);
        }
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        int global = (workItems + threads - 1) / threads * threads;
        return Range.create(device, global, threads);
    }
}

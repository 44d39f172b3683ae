package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import prefdyn.reference.util.Parallel;

import static prefdyn.vector.layers.MatrixProduct.SPECIES;

/**
 * Causal multi-head self-attention (Vaswani et al. 2017, Eq. 1) on GPT-2's fused qkv rows, in float32, with the
 * reference's names and arguments ({@code prefdyn.reference.layers.Attention}):
 * <pre>
 *   preatt[t,t'] = q_t · k_t' / sqrt(hs)       for t' ≤ t
 *   att[t,:]     = softmax(preatt[t, 0..t])
 *   out[t, h·hs + i] = Σ_{t' ≤ t} att[t,t'] · v_t'[i]
 * </pre>
 * The head dimension runs in vector lanes. As in the reference, the full forward and a KV-cached sampling step
 * both call {@link #attendOneQuery}, so a cached step has the full forward's bits.
 */
public final class Attention {

    private static final int L = SPECIES.length();

    private Attention() {
    }

    /**
     * Every query of every sequence and head, with the weights above the diagonal set to zero. Per (b, h) the keys
     * are first copied transposed, [hs, Tp] with Tp = T rounded up to whole vectors, so that a query's scores over
     * t' run in vector lanes; each score is still the chain of fused multiply-adds over i ascending that
     * {@link #attendOneQuery} computes one key at a time, and the softmax and the weighted values are the same
     * code ({@link #softmaxAndValues}), so both give the same bits.
     *
     * @param out [B,T,C] written: the concatenated head outputs
     * @param att [B,H,T,T] written: the attention weights (zero above the diagonal)
     * @param qkv [B,T,3C]
     */
    public static void attentionForward(Parallel parallel, float[] out, float[] att, float[] qkv,
                                        int B, int T, int C, int H) {
        int headSize = C / H;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        int Tp = padded(T);
        parallel.forEach(B * H, index -> {
            int b = index / H;
            int h = index % H;
            int firstKey = b * T * 3 * C + C + h * headSize;
            int firstValue = b * T * 3 * C + 2 * C + h * headSize;
            float[] keysT = transposed(qkv, firstKey, 3 * C, T, Tp, headSize);  // [hs,Tp]
            float[] row = new float[Tp];                                        // [Tp] one query's weights
            float[] scratch = VectorMath.scratch();
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                int end = padded(t + 1);
                for (int t2 = 0; t2 < end; t2 += L) { // the scores of whole vectors of keys, lanes over t'
                    FloatVector acc = FloatVector.zero(SPECIES);
                    for (int i = 0; i < headSize; i++) {
                        acc = FloatVector.broadcast(SPECIES, qkv[queryStart + i])
                                .fma(FloatVector.fromArray(SPECIES, keysT, i * Tp + t2), acc);
                    }
                    acc.mul(scale).intoArray(row, t2);
                }
                softmaxAndValues(out, (b * T + t) * C + h * headSize, row, qkv, firstValue, 3 * C, t, headSize,
                        scratch);
                System.arraycopy(row, 0, att, attRow, t + 1);
                for (int t2 = t + 1; t2 < T; t2++) {
                    att[attRow + t2] = 0f;
                }
            }
        });
    }

    /**
     * One query of one head over positions 0..t:
     * <pre>
     *   weights[t'] = softmax_t'( q · k_t' / sqrt(hs) )     (q · k: FMAs over i ascending; max subtracted;
     *                                                        e^… summed in lanes over whole vectors)
     *   out[i]      = Σ_{t' ≤ t} weights[t'] · v_t'[i]       (FMAs in ascending t')
     * </pre>
     *
     * @param out     [hs] written from {@code outStart}
     * @param weights [t+1] written from {@code weightsStart}
     * @param query   [hs] read from {@code queryStart}
     * @param keys    k_t' at {@code firstKey + t'·stride}, [hs] each
     * @param values  v_t' at {@code firstValue + t'·stride}, [hs] each
     */
    public static void attendOneQuery(float[] out, int outStart, float[] weights, int weightsStart,
                                      float[] query, int queryStart, float[] keys, int firstKey,
                                      float[] values, int firstValue, int stride, int t, int headSize) {
        float scale = (float) (1.0 / Math.sqrt(headSize));
        float[] row = new float[padded(t + 1)];
        for (int t2 = 0; t2 <= t; t2++) {
            int key = firstKey + t2 * stride;
            float dot = 0f;
            for (int i = 0; i < headSize; i++) {
                dot = Math.fma(query[queryStart + i], keys[key + i], dot);
            }
            row[t2] = dot * scale;
        }
        softmaxAndValues(out, outStart, row, values, firstValue, stride, t, headSize, VectorMath.scratch());
        System.arraycopy(row, 0, weights, weightsStart, t + 1);
    }

    /**
     * The softmax of the scores in {@code row} [0, t] in place, over whole vectors (the lanes beyond t set to
     * −∞ first, so e^… is 0 there; max subtracted; the sum in lanes, then over the lanes), then
     * out[i] = Σ_{t' ≤ t} row[t']·v_t'[i] with FMAs in ascending t'.
     *
     * @param row [≥ padded(t + 1)] the scores at [0, t]; overwritten with the weights (0 beyond t)
     */
    private static void softmaxAndValues(float[] out, int outStart, float[] row, float[] values, int firstValue,
                                         int stride, int t, int headSize, float[] scratch) {
        int end = padded(t + 1);
        for (int t2 = t + 1; t2 < end; t2++) {
            row[t2] = Float.NEGATIVE_INFINITY;
        }
        FloatVector maxima = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int t2 = 0; t2 < end; t2 += L) {
            maxima = maxima.max(FloatVector.fromArray(SPECIES, row, t2));
        }
        float max = maxima.reduceLanes(VectorOperators.MAX); // exact in any order
        VectorMath.exp(row, 0, end, max);
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int t2 = 0; t2 < end; t2 += L) {
            sums = sums.add(FloatVector.fromArray(SPECIES, row, t2));
        }
        sums.intoArray(scratch, 0);
        float inverse = 1f / VectorMath.sumLanes(scratch);
        for (int t2 = 0; t2 < end; t2 += L) {
            FloatVector.fromArray(SPECIES, row, t2).mul(inverse).intoArray(row, t2);
        }
        int i = 0;
        for (; i + L <= headSize; i += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int t2 = 0; t2 <= t; t2++) {
                FloatVector v = FloatVector.fromArray(SPECIES, values, firstValue + t2 * stride + i);
                acc = v.fma(FloatVector.broadcast(SPECIES, row[t2]), acc);
            }
            acc.intoArray(out, outStart + i);
        }
        for (; i < headSize; i++) {
            float acc = 0f;
            for (int t2 = 0; t2 <= t; t2++) {
                acc = Math.fma(values[firstValue + t2 * stride + i], row[t2], acc);
            }
            out[outStart + i] = acc;
        }
    }

    /** n rounded up to whole vectors. */
    private static int padded(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * R rows of [hs] floats each, {@code stride} apart from {@code first}, transposed to [hs, Rp] (Rp ≥ R; the
     * columns beyond R are 0).
     */
    private static float[] transposed(float[] m, int first, int stride, int R, int Rp, int headSize) {
        float[] result = new float[headSize * Rp];
        for (int r = 0; r < R; r++) {
            int row = first + r * stride;
            for (int i = 0; i < headSize; i++) {
                result[i * Rp + r] = m[row + i];
            }
        }
        return result;
    }

    /**
     * Copies R rows' keys and values into a KV cache: keys[(s·maxT + p)·C + c] = qkv[row·3C + C + c] and
     * values[…] = qkv[row·3C + 2C + c], with s = sequences[r], p = positions[r], row = qkvRows[r].
     *
     * @param keys      [S,maxT,C] written at the listed slots
     * @param values    [S,maxT,C] written likewise
     * @param qkv       [·,3C]
     * @param qkvRows   [R]
     * @param sequences [R]
     * @param positions [R]
     */
    public static void storeKeysValues(float[] keys, float[] values, float[] qkv, int[] qkvRows, int[] sequences,
                                       int[] positions, int R, int C, int maxT) {
        for (int r = 0; r < R; r++) {
            int from = qkvRows[r] * 3 * C;
            int to = (sequences[r] * maxT + positions[r]) * C;
            System.arraycopy(qkv, from + C, keys, to, C);
            System.arraycopy(qkv, from + 2 * C, values, to, C);
        }
    }

    /**
     * Accumulates ∂L/∂qkv, per query row t:
     * <pre>
     *   datt[t']    = dout_t · v_t'                     dv_t'  += att[t,t'] · dout_t
     *   dpre[t']    = att[t,t'] · (datt[t'] − Σ_u att[t,u]·datt[u])
     *   dq_t       += Σ_t' dpre[t'] · k_t' / sqrt(hs)    dk_t'  += dpre[t'] · q_t / sqrt(hs)
     * </pre>
     * Parallel over (b, h). Each of dq_t, dk_t', dv_t' is summed in a register (over t' ascending, or over
     * t ≥ t' ascending) and added to dqkv once.
     *
     * @param dqkv [B,T,3C] accumulated into
     * @param dout [B,T,C]
     * @param qkv  [B,T,3C] and {@code att} [B,H,T,T] from the forward
     */
    public static void attentionBackward(Parallel parallel, float[] dqkv, float[] dout, float[] qkv, float[] att,
                                         int B, int T, int C, int H) {
        int headSize = C / H;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        int Tp = padded(T);
        parallel.forEach(B * H, index -> {
            int b = index / H;
            int h = index % H;
            int firstValue = b * T * 3 * C + 2 * C + h * headSize;
            float[] valuesT = transposed(qkv, firstValue, 3 * C, T, Tp, headSize); // [hs,Tp]
            float[] scratch = VectorMath.scratch();
            float[] weights = new float[Tp];  // [Tp] att[t, ·], 0 beyond t
            float[] dAtt = new float[Tp];
            float[] dPre = new float[Tp];
            float[] dPreRows = new float[T * T];                                  // [T,T] dpre of every query
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                int doutStart = (b * T + t) * C + h * headSize;
                int n = t + 1;
                int end = padded(n);
                System.arraycopy(att, attRow, weights, 0, n);
                // datt[t'] = dout_t · v_t' (lanes over t'), and Σ_t' att·datt (the lanes beyond t have att 0)
                FloatVector weighted = FloatVector.zero(SPECIES);
                for (int t2 = 0; t2 < end; t2 += L) {
                    FloatVector acc = FloatVector.zero(SPECIES);
                    for (int i = 0; i < headSize; i++) {
                        acc = FloatVector.broadcast(SPECIES, dout[doutStart + i])
                                .fma(FloatVector.fromArray(SPECIES, valuesT, i * Tp + t2), acc);
                    }
                    acc.intoArray(dAtt, t2);
                    weighted = FloatVector.fromArray(SPECIES, weights, t2).fma(acc, weighted);
                }
                weighted.intoArray(scratch, 0);
                float total = VectorMath.sumLanes(scratch);
                // dpre[t'] = att[t,t'] · (datt[t'] − Σ) / sqrt(hs)
                for (int t2 = 0; t2 < end; t2 += L) {
                    FloatVector.fromArray(SPECIES, dAtt, t2).sub(total)
                            .mul(FloatVector.fromArray(SPECIES, weights, t2)).mul(scale).intoArray(dPre, t2);
                }
                // dq_t += Σ_t' dpre[t']·k_t' (FMAs in ascending t', added once)
                for (int i = 0; i < headSize; i += (i + L <= headSize ? L : 1)) {
                    if (i + L <= headSize) {
                        FloatVector acc = FloatVector.zero(SPECIES);
                        for (int t2 = 0; t2 < n; t2++) {
                            int keyStart = (b * T + t2) * 3 * C + C + h * headSize;
                            acc = FloatVector.fromArray(SPECIES, qkv, keyStart + i)
                                    .fma(FloatVector.broadcast(SPECIES, dPre[t2]), acc);
                        }
                        FloatVector.fromArray(SPECIES, dqkv, queryStart + i).add(acc).intoArray(dqkv, queryStart + i);
                    } else {
                        float acc = 0f;
                        for (int t2 = 0; t2 < n; t2++) {
                            acc = Math.fma(qkv[(b * T + t2) * 3 * C + C + h * headSize + i], dPre[t2], acc);
                        }
                        dqkv[queryStart + i] += acc;
                    }
                }
                System.arraycopy(dPre, 0, dPreRows, t * T, n);
            }
            // dk_t' += Σ_{t ≥ t'} dpre[t,t']·q_t and dv_t' += Σ_{t ≥ t'} att[t,t']·dout_t (t ascending, added once)
            for (int t2 = 0; t2 < T; t2++) {
                int keyStart = (b * T + t2) * 3 * C + C + h * headSize;
                int valueStart = keyStart + C;
                for (int i = 0; i < headSize; i += (i + L <= headSize ? L : 1)) {
                    if (i + L <= headSize) {
                        FloatVector dk = FloatVector.zero(SPECIES);
                        FloatVector dv = FloatVector.zero(SPECIES);
                        for (int t = t2; t < T; t++) {
                            int queryStart = (b * T + t) * 3 * C + h * headSize;
                            int doutStart = (b * T + t) * C + h * headSize;
                            dk = FloatVector.fromArray(SPECIES, qkv, queryStart + i)
                                    .fma(FloatVector.broadcast(SPECIES, dPreRows[t * T + t2]), dk);
                            dv = FloatVector.fromArray(SPECIES, dout, doutStart + i)
                                    .fma(FloatVector.broadcast(SPECIES, att[((b * H + h) * T + t) * T + t2]), dv);
                        }
                        FloatVector.fromArray(SPECIES, dqkv, keyStart + i).add(dk).intoArray(dqkv, keyStart + i);
                        FloatVector.fromArray(SPECIES, dqkv, valueStart + i).add(dv).intoArray(dqkv, valueStart + i);
                    } else {
                        float dk = 0f;
                        float dv = 0f;
                        for (int t = t2; t < T; t++) {
                            dk = Math.fma(qkv[(b * T + t) * 3 * C + h * headSize + i], dPreRows[t * T + t2], dk);
                            dv = Math.fma(dout[(b * T + t) * C + h * headSize + i],
                                    att[((b * H + h) * T + t) * T + t2], dv);
                        }
                        dqkv[keyStart + i] += dk;
                        dqkv[valueStart + i] += dv;
                    }
                }
            }
        });
    }
}

package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
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
     * are first copied transposed, [hs, T], so that a query's scores over t' run in vector lanes; each score is
     * still the chain of fused multiply-adds over i ascending that {@link #attendOneQuery} computes one key at a
     * time, so both give the same bits.
     *
     * @param out [B,T,C] written: the concatenated head outputs
     * @param att [B,H,T,T] written: the attention weights (zero above the diagonal)
     * @param qkv [B,T,3C]
     */
    public static void attentionForward(Parallel parallel, float[] out, float[] att, float[] qkv,
                                        int B, int T, int C, int H) {
        int headSize = C / H;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        parallel.forEach(B * H, index -> {
            int b = index / H;
            int h = index % H;
            int firstKey = b * T * 3 * C + C + h * headSize;
            int firstValue = b * T * 3 * C + 2 * C + h * headSize;
            float[] keysT = transposed(qkv, firstKey, 3 * C, T, headSize);      // [hs,T]
            float[] scratch = VectorMath.scratch();
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                scores(att, attRow, qkv, queryStart, keysT, T, t, headSize, scale);
                softmaxAndValues(out, (b * T + t) * C + h * headSize, att, attRow, qkv, firstValue, 3 * C, t,
                        headSize, scratch);
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
     *                                                        e^… summed in lanes t' mod L, then the lanes)
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
        for (int t2 = 0; t2 <= t; t2++) {
            int key = firstKey + t2 * stride;
            float dot = 0f;
            for (int i = 0; i < headSize; i++) {
                dot = Math.fma(query[queryStart + i], keys[key + i], dot);
            }
            weights[weightsStart + t2] = dot * scale;
        }
        softmaxAndValues(out, outStart, weights, weightsStart, values, firstValue, stride, t, headSize,
                VectorMath.scratch());
    }

    /**
     * scores[t'] = (Σ_i q[i]·kᵀ[i,t']) · scale for t' in [0, t], lanes over t', FMAs over i ascending (the last
     * t' beyond whole vectors with the same operations one at a time).
     *
     * @param scores [t+1] written from {@code scoresStart}
     * @param keysT  [hs,T] the keys transposed
     */
    private static void scores(float[] scores, int scoresStart, float[] query, int queryStart, float[] keysT, int T,
                               int t, int headSize, float scale) {
        int t2 = 0;
        for (; t2 + L <= t + 1; t2 += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int i = 0; i < headSize; i++) {
                acc = FloatVector.broadcast(SPECIES, query[queryStart + i])
                        .fma(FloatVector.fromArray(SPECIES, keysT, i * T + t2), acc);
            }
            acc.mul(scale).intoArray(scores, scoresStart + t2);
        }
        for (; t2 <= t; t2++) {
            float acc = 0f;
            for (int i = 0; i < headSize; i++) {
                acc = Math.fma(query[queryStart + i], keysT[i * T + t2], acc);
            }
            scores[scoresStart + t2] = acc * scale;
        }
    }

    /**
     * The softmax of the scores in {@code weights} [t+1] in place (max subtracted; e^… summed in lanes over whole
     * vectors, then the rest one at a time), then out[i] = Σ_t' weights[t']·v_t'[i] with FMAs in ascending t'.
     */
    private static void softmaxAndValues(float[] out, int outStart, float[] weights, int weightsStart,
                                         float[] values, int firstValue, int stride, int t, int headSize,
                                         float[] scratch) {
        int n = t + 1;
        float max = Float.NEGATIVE_INFINITY;
        for (int t2 = 0; t2 < n; t2++) {
            max = Math.max(max, weights[weightsStart + t2]);
        }
        VectorMath.exp(weights, weightsStart, n, max);
        int full = n - n % L;
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int t2 = 0; t2 < full; t2 += L) {
            sums = sums.add(FloatVector.fromArray(SPECIES, weights, weightsStart + t2));
        }
        sums.intoArray(scratch, 0);
        float sum = VectorMath.sumLanes(scratch);
        for (int t2 = full; t2 < n; t2++) {
            sum += weights[weightsStart + t2];
        }
        float inverse = 1f / sum;
        for (int t2 = 0; t2 < full; t2 += L) {
            FloatVector.fromArray(SPECIES, weights, weightsStart + t2).mul(inverse)
                    .intoArray(weights, weightsStart + t2);
        }
        for (int t2 = full; t2 < n; t2++) {
            weights[weightsStart + t2] *= inverse;
        }
        int i = 0;
        for (; i + L <= headSize; i += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int t2 = 0; t2 < n; t2++) {
                FloatVector v = FloatVector.fromArray(SPECIES, values, firstValue + t2 * stride + i);
                acc = v.fma(FloatVector.broadcast(SPECIES, weights[weightsStart + t2]), acc);
            }
            acc.intoArray(out, outStart + i);
        }
        for (; i < headSize; i++) {
            float acc = 0f;
            for (int t2 = 0; t2 < n; t2++) {
                acc = Math.fma(values[firstValue + t2 * stride + i], weights[weightsStart + t2], acc);
            }
            out[outStart + i] = acc;
        }
    }

    /** rows r in [0, R) of [hs] floats each, {@code stride} apart from {@code first}, transposed: [hs,R]. */
    private static float[] transposed(float[] m, int first, int stride, int R, int headSize) {
        float[] result = new float[headSize * R];
        for (int r = 0; r < R; r++) {
            int row = first + r * stride;
            for (int i = 0; i < headSize; i++) {
                result[i * R + r] = m[row + i];
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
        parallel.forEach(B * H, index -> {
            int b = index / H;
            int h = index % H;
            int firstValue = b * T * 3 * C + 2 * C + h * headSize;
            float[] valuesT = transposed(qkv, firstValue, 3 * C, T, headSize);   // [hs,T]
            float[] scratch = VectorMath.scratch();
            float[] dAtt = new float[T];
            float[] dPre = new float[T];
            float[] dPreRows = new float[T * T];                               // [T,T] dpre of every query
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                int doutStart = (b * T + t) * C + h * headSize;
                int n = t + 1;
                int full = n - n % L;
                // datt[t'] = dout_t · v_t' (lanes over t'), and Σ_t' att·datt
                FloatVector weighted = FloatVector.zero(SPECIES);
                for (int t2 = 0; t2 < full; t2 += L) {
                    FloatVector acc = FloatVector.zero(SPECIES);
                    for (int i = 0; i < headSize; i++) {
                        acc = FloatVector.broadcast(SPECIES, dout[doutStart + i])
                                .fma(FloatVector.fromArray(SPECIES, valuesT, i * T + t2), acc);
                    }
                    acc.intoArray(dAtt, t2);
                    weighted = FloatVector.fromArray(SPECIES, att, attRow + t2).fma(acc, weighted);
                }
                weighted.intoArray(scratch, 0);
                float total = VectorMath.sumLanes(scratch);
                for (int t2 = full; t2 < n; t2++) {
                    float acc = 0f;
                    for (int i = 0; i < headSize; i++) {
                        acc = Math.fma(dout[doutStart + i], valuesT[i * T + t2], acc);
                    }
                    dAtt[t2] = acc;
                    total = Math.fma(att[attRow + t2], acc, total);
                }
                // dpre[t'] = att[t,t'] · (datt[t'] − Σ) / sqrt(hs)
                for (int t2 = 0; t2 < full; t2 += L) {
                    FloatVector.fromArray(SPECIES, dAtt, t2).sub(total)
                            .mul(FloatVector.fromArray(SPECIES, att, attRow + t2)).mul(scale).intoArray(dPre, t2);
                }
                for (int t2 = full; t2 < n; t2++) {
                    dPre[t2] = (dAtt[t2] - total) * att[attRow + t2] * scale;
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

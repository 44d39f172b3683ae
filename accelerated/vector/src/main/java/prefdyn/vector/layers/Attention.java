package prefdyn.vector.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
     * @param out [B,T,C] written: the concatenated head outputs
     * @param att [B,H,T,T] written: the attention weights (zero above the diagonal)
     * @param qkv [B,T,3C]
     */
    public static void attentionForward(Parallel parallel, float[] out, float[] att, float[] qkv,
                                        int B, int T, int C, int H) {
        int headSize = C / H;
        parallel.forEach(B * H, index -> {
            int b = index / H;
            int h = index % H;
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                int firstKey = b * T * 3 * C + C + h * headSize;
                int firstValue = b * T * 3 * C + 2 * C + h * headSize;
                attendOneQuery(out, (b * T + t) * C + h * headSize, att, attRow, qkv, queryStart, qkv, firstKey,
                        qkv, firstValue, 3 * C, t, headSize);
                for (int t2 = t + 1; t2 < T; t2++) {
                    att[attRow + t2] = 0f;
                }
            }
        });
    }

    /**
     * One query of one head over positions 0..t:
     * <pre>
     *   weights[t'] = softmax_t'( q · k_t' / sqrt(hs) )     (max subtracted; e^… summed in lanes t' mod L)
     *   out[i]      = Σ_{t' ≤ t} weights[t'] · v_t'[i]       (added in ascending t')
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
        float[] scratch = VectorMath.scratch();
        float max = Float.NEGATIVE_INFINITY;
        for (int t2 = 0; t2 <= t; t2++) {
            float score = dot(query, queryStart, keys, firstKey + t2 * stride, headSize, scratch) * scale;
            weights[weightsStart + t2] = score;
            max = Math.max(max, score);
        }
        // e^(score − max) in vector lanes over t', summed lane-wise, then the lanes in order
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int t2 = 0; t2 <= t; t2 += L) {
            VectorMask<Float> mask = SPECIES.indexInRange(t2, t + 1);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, weights, weightsStart + t2, mask).sub(max))
                    .blend(0f, mask.not());
            e.intoArray(weights, weightsStart + t2, mask);
            sums = sums.add(e);
        }
        float inverse = 1f / VectorMath.sumLanes(sums, scratch, 0f);
        for (int t2 = 0; t2 <= t; t2 += L) {
            VectorMask<Float> mask = SPECIES.indexInRange(t2, t + 1);
            FloatVector.fromArray(SPECIES, weights, weightsStart + t2, mask).mul(inverse)
                    .intoArray(weights, weightsStart + t2, mask);
        }
        for (int i = 0; i < headSize; i += L) {
            VectorMask<Float> mask = SPECIES.indexInRange(i, headSize);
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int t2 = 0; t2 <= t; t2++) {
                FloatVector v = FloatVector.fromArray(SPECIES, values, firstValue + t2 * stride + i, mask);
                acc = v.fma(FloatVector.broadcast(SPECIES, weights[weightsStart + t2]), acc);
            }
            acc.intoArray(out, outStart + i, mask);
        }
    }

    /** Σ_i a[aStart + i]·b[bStart + i] over i in [0, n): lane-wise FMAs, then the lanes in order. */
    static float dot(float[] a, int aStart, float[] b, int bStart, int n, float[] scratch) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> mask = SPECIES.indexInRange(i, n);
            acc = FloatVector.fromArray(SPECIES, a, aStart + i, mask)
                    .fma(FloatVector.fromArray(SPECIES, b, bStart + i, mask), acc);
        }
        return VectorMath.sumLanes(acc, scratch, 0f);
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
     * Parallel over (b, h), t ascending inside.
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
            float[] scratch = VectorMath.scratch();
            float[] dAtt = new float[T];
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                int doutStart = (b * T + t) * C + h * headSize;
                float weighted = 0f;
                for (int t2 = 0; t2 <= t; t2++) {
                    int valueStart = (b * T + t2) * 3 * C + 2 * C + h * headSize;
                    float weight = att[attRow + t2];
                    dAtt[t2] = dot(dout, doutStart, qkv, valueStart, headSize, scratch);
                    axpy(dqkv, valueStart, weight, dout, doutStart, headSize);
                }
                for (int t2 = 0; t2 <= t; t2++) {
                    weighted += att[attRow + t2] * dAtt[t2];
                }
                for (int t2 = 0; t2 <= t; t2++) {
                    int keyStart = (b * T + t2) * 3 * C + C + h * headSize;
                    float d = att[attRow + t2] * (dAtt[t2] - weighted) * scale;
                    axpy(dqkv, queryStart, d, qkv, keyStart, headSize);
                    axpy(dqkv, keyStart, d, qkv, queryStart, headSize);
                }
            }
        });
    }

    /** y[yStart + i] += alpha · x[xStart + i] for i in [0, n), one FMA each. */
    private static void axpy(float[] y, int yStart, float alpha, float[] x, int xStart, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> mask = SPECIES.indexInRange(i, n);
            FloatVector.fromArray(SPECIES, x, xStart + i, mask)
                    .fma(FloatVector.broadcast(SPECIES, alpha), FloatVector.fromArray(SPECIES, y, yStart + i, mask))
                    .intoArray(y, yStart + i, mask);
        }
    }
}

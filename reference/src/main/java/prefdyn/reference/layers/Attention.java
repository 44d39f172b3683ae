package prefdyn.reference.layers;

import prefdyn.reference.util.Parallel;

/**
 * Causal multi-head self-attention (Vaswani et al. 2017, Eq. 1), on the fused qkv projection of GPT-2:
 * for head h with size hs = C/H and the query, key and value slices q_t, k_t, v_t of {@code qkv[b,t,:]},
 * <pre>
 *   preatt[t,t'] = q_t · k_t' / sqrt(hs)                  for t' ≤ t (causal mask)
 *   att[t,:]     = softmax(preatt[t, 0..t])               (max subtracted; zero for t' &gt; t)
 *   out[t, h·hs + i] = Σ_{t' ≤ t} att[t,t'] · v_t'[i]
 * </pre>
 * Layout of {@code qkv[b,t,:]}: [0, C) queries, [C, 2C) keys, [2C, 3C) values; head h uses [h·hs, (h+1)·hs) of each.
 */
public final class Attention {

    private Attention() {
    }

    /**
     * Every query of every sequence and head: {@link #attendOneQuery} at each (b, h, t), the keys and values read from
     * the same qkv rows of sequence b, then the weights above the diagonal set to zero.
     *
     * @param out [B,T,C] written: the concatenated head outputs (before the output projection)
     * @param att [B,H,T,T] written: the attention weights, kept for backward (zero above the diagonal)
     * @param qkv [B,T,3C] the fused projection
     */
    public static void attentionForward(Parallel parallel, double[] out, double[] att, double[] qkv,
                                        int B, int T, int C, int H) {
        int headSize = C / H;
        parallel.forEach(B * H * T, index -> {
            int b = index / (H * T);
            int h = (index / T) % H;
            int t = index % T;
            int queryStart = (b * T + t) * 3 * C + h * headSize;
            int attRow = ((b * H + h) * T + t) * T;
            int firstKey = b * T * 3 * C + C + h * headSize;       // key of position 0 of sequence b, head h
            int firstValue = b * T * 3 * C + 2 * C + h * headSize; // its value
            int outStart = (b * T + t) * C + h * headSize;
            attendOneQuery(out, outStart, att, attRow, qkv, queryStart, qkv, firstKey, qkv, firstValue, 3 * C, t,
                    headSize);
            for (int t2 = t + 1; t2 < T; t2++) {
                att[attRow + t2] = 0.0;
            }
        });
    }

    /**
     * One query of one head: the causal attention of position t over positions 0..t. With the query q, the key
     * k_t' and the value v_t' of each earlier position (head size hs):
     * <pre>
     *   weights[t'] = softmax_t'( q · k_t' / sqrt(hs) )     for t' in [0, t] (max subtracted, summed in order t')
     *   out[i]      = Σ_{t' ≤ t} weights[t'] · v_t'[i]       (added in ascending t')
     * </pre>
     * Both the full forward ({@link #attentionForward}, keys and values in the qkv rows) and a KV-cached sampling
     * step (keys and values in the cache, {@code prefdyn.reference.model.IncrementalForward}) call this method, so
     * the two compute every weight and every output with the same operations in the same order: the same bits.
     *
     * @param out          [hs] written from {@code outStart}: this head's output at position t
     * @param weights      [t+1] written from {@code weightsStart}: the attention weights (kept for backward)
     * @param query        [hs] read from {@code queryStart}: q
     * @param keys         k_t' is read at {@code firstKey + t'·stride}, [hs] each, for t' in [0, t]
     * @param values       v_t' is read at {@code firstValue + t'·stride}, [hs] each, for t' in [0, t]
     * @param stride       how far apart consecutive positions are in {@code keys} and {@code values}
     * @param t            the query's position: it attends to the t + 1 positions 0..t
     */
    public static void attendOneQuery(double[] out, int outStart, double[] weights, int weightsStart,
                                      double[] query, int queryStart, double[] keys, int firstKey,
                                      double[] values, int firstValue, int stride, int t, int headSize) {
        double scale = 1.0 / Math.sqrt(headSize);
        double max = Double.NEGATIVE_INFINITY;
        for (int t2 = 0; t2 <= t; t2++) {
            double score = Dot.dot(query, queryStart, keys, firstKey + t2 * stride, headSize) * scale;
            weights[weightsStart + t2] = score;
            max = Math.max(max, score);
        }
        double sum = 0;
        for (int t2 = 0; t2 <= t; t2++) {
            double e = Math.exp(weights[weightsStart + t2] - max);
            weights[weightsStart + t2] = e;
            sum += e;
        }
        for (int t2 = 0; t2 <= t; t2++) {
            weights[weightsStart + t2] = weights[weightsStart + t2] / sum;
        }

        for (int i = 0; i < headSize; i++) {
            out[outStart + i] = 0.0;
        }
        for (int t2 = 0; t2 <= t; t2++) {
            int valueStart = firstValue + t2 * stride;
            double weight = weights[weightsStart + t2];
            for (int i = 0; i < headSize; i++) {
                out[outStart + i] += weight * values[valueStart + i];
            }
        }
    }

    /**
     * Copies the keys and values of R rows of a fused projection into a KV cache: for each r in [0, R), with
     * s = sequences[r], p = positions[r] and row = qkvRows[r],
     * <pre>
     *   keys[(s·maxT + p)·C + c]   = qkv[row·3C + C + c]       c in [0, C)
     *   values[(s·maxT + p)·C + c] = qkv[row·3C + 2C + c]
     * </pre>
     * No arithmetic, so a cached key or value has the bits the forward computed. A prompt pass stores every real
     * position of its batch (row b·T + t at position t), a sampling step the one new position of each sequence
     * (row n at position cache length); {@link #attendOneQuery} then reads them with stride C.
     *
     * @param keys      [S,maxT,C] written at the R listed (sequence, position) slots, which must be distinct
     * @param values    [S,maxT,C] written likewise
     * @param qkv       [·,3C] the fused projection
     * @param qkvRows   [R] the row of qkv each slot is copied from
     * @param sequences [R] the cached sequence of each row, in [0, S)
     * @param positions [R] its position in that sequence, in [0, maxT)
     */
    public static void storeKeysValues(double[] keys, double[] values, double[] qkv, int[] qkvRows, int[] sequences,
                                       int[] positions, int R, int C, int maxT) {
        for (int r = 0; r < R; r++) {
            int from = qkvRows[r] * 3 * C;
            int to = (sequences[r] * maxT + positions[r]) * C;
            for (int c = 0; c < C; c++) {
                keys[to + c] = qkv[from + C + c];
                values[to + c] = qkv[from + 2 * C + c];
            }
        }
    }

    /**
     * Accumulates ∂L/∂qkv. Per query row t (softmax Jacobian, then the two dot products):
     * <pre>
     *   datt[t']    = dout_t · v_t'                     dv_t'  += att[t,t'] · dout_t
     *   dpre[t']    = att[t,t'] · (datt[t'] − Σ_u att[t,u]·datt[u])
     *   dq_t       += Σ_t' dpre[t'] · k_t' / sqrt(hs)    dk_t'  += dpre[t'] · q_t / sqrt(hs)
     * </pre>
     * Parallel over (b, h): each pair owns disjoint slices of dqkv, and t runs in ascending order inside it.
     *
     * @param dqkv [B,T,3C] accumulated into
     * @param dout [B,T,C]
     * @param qkv  [B,T,3C] and {@code att} [B,H,T,T] from the forward
     */
    public static void attentionBackward(Parallel parallel, double[] dqkv, double[] dout, double[] qkv, double[] att,
                                         int B, int T, int C, int H) {
        int headSize = C / H;
        double scale = 1.0 / Math.sqrt(headSize);
        parallel.forEach(B * H, index -> {
            int b = index / H;
            int h = index % H;
            double[] dAtt = new double[T];
            double[] dPreatt = new double[T];
            for (int t = 0; t < T; t++) {
                int queryStart = (b * T + t) * 3 * C + h * headSize;
                int attRow = ((b * H + h) * T + t) * T;
                int doutStart = (b * T + t) * C + h * headSize;

                for (int t2 = 0; t2 <= t; t2++) {
                    int valueStart = (b * T + t2) * 3 * C + 2 * C + h * headSize;
                    double dot = 0;
                    for (int i = 0; i < headSize; i++) {
                        dot += dout[doutStart + i] * qkv[valueStart + i];
                        dqkv[valueStart + i] += att[attRow + t2] * dout[doutStart + i];
                    }
                    dAtt[t2] = dot;
                }
                double weighted = 0;
                for (int t2 = 0; t2 <= t; t2++) {
                    weighted += att[attRow + t2] * dAtt[t2];
                }
                for (int t2 = 0; t2 <= t; t2++) {
                    dPreatt[t2] = att[attRow + t2] * (dAtt[t2] - weighted);
                }
                for (int t2 = 0; t2 <= t; t2++) {
                    int keyStart = (b * T + t2) * 3 * C + C + h * headSize;
                    double d = dPreatt[t2] * scale;
                    for (int i = 0; i < headSize; i++) {
                        dqkv[queryStart + i] += d * qkv[keyStart + i];
                        dqkv[keyStart + i] += d * qkv[queryStart + i];
                    }
                }
            }
        });
    }
}

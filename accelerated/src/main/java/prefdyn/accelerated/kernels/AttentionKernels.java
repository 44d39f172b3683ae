package prefdyn.accelerated.kernels;

/**
 * Twin of {@code prefdyn.reference.layers.Attention}: causal multi-head self-attention on GPT-2's fused qkv,
 * <pre>
 *   preatt[t,t'] = q_t · k_t' / sqrt(hs)  (t' ≤ t),   att[t,:] = softmax(preatt[t, 0..t]),   out_t = Σ_t' att[t,t'] v_t'
 * </pre>
 * with {@code qkv[b,t,:]} = [queries C | keys C | values C] and head h using [h·hs, (h+1)·hs) of each.
 */
abstract class AttentionKernels extends LinearKernels {

    /**
     * Mirrors {@code Attention.attentionForward}. One work item per (b,h,t): B·H·T items, each writing row t of
     * its head's attention matrix and its slice of out, by {@link #attendQuery} over the keys and values of positions
     * 0..t of the same sequence in qkv (consecutive positions 3C apart).
     *
     * @param out [B,T,C] written
     * @param att [B,H,T,T] written (zero above the diagonal)
     * @param qkv [B,T,3C]
     */
    protected void attentionForward(int item, float[] out, int outOffset, float[] att, int attOffset, float[] qkv,
                                    int qkvOffset, int T, int C, int H) {
        int headSize = C / H;
        int b = item / (H * T);
        int h = (item / T) % H;
        int t = item % T;
        int sequenceStart = qkvOffset + b * T * 3 * C + h * headSize; // position 0, head h, query part
        int attRow = attOffset + ((b * H + h) * T + t) * T;
        attendQuery(out, outOffset + (b * T + t) * C + h * headSize, att, attRow, qkv, sequenceStart + t * 3 * C,
                qkv, sequenceStart + C, qkv, sequenceStart + 2 * C, 3 * C, t, headSize);
        for (int t2 = t + 1; t2 < T; t2++) {
            att[attRow + t2] = 0f;
        }
    }

    /**
     * Mirrors {@code Attention.attendOneQuery} once per (n,h), as the reference's KV-cached step
     * ({@code IncrementalForward}) calls it: N·H work items, item n·H + h attending with row n's query of head h
     * over positions 0..t of its cached sequence, t = positions[n], by {@link #attendQuery}, the body
     * {@link #attentionForward} runs for the query at position t.
     *
     * @param out       [N,C] written: head h's slice of row n
     * @param weights   [N,H,T] written at t' in [0, t]: the attention weights (scratch; T = the cache's maxT)
     * @param query     [N,3C] the step's fused projection; the query of head h is [h·hs, (h+1)·hs) of row n
     * @param keys      [S,T,·]: key t' of sequence s, head h, at s·T·stride + t'·stride + h·hs
     * @param values    [S,T,·]: laid out like keys
     * @param positions [N] the position t of each row's query
     * @param sequences [N] the cached sequence of each row
     * @param stride    how far apart consecutive positions are in keys and values (C for the cache)
     */
    protected void attendOneQuery(int item, float[] out, int outOffset, float[] weights, int weightsOffset,
                                  float[] query, int queryOffset, float[] keys, int keysOffset, float[] values,
                                  int valuesOffset, int[] positions, int positionsOffset, int[] sequences,
                                  int sequencesOffset, int C, int H, int T, int stride) {
        int headSize = C / H;
        int n = item / H;
        int h = item % H;
        int sequenceStart = sequences[sequencesOffset + n] * T * stride + h * headSize;
        attendQuery(out, outOffset + n * C + h * headSize, weights, weightsOffset + item * T, query,
                queryOffset + n * 3 * C + h * headSize, keys, keysOffset + sequenceStart, values,
                valuesOffset + sequenceStart, stride, positions[positionsOffset + n], headSize);
    }

    /**
     * One query of one head against the keys and values of positions 0..t, the float operations of both attention
     * twins in one place:
     * <pre>
     *   weights[t'] = softmax_t'( q · k_t' / sqrt(hs) )   t' in [0, t]     out[i] = Σ_{t' ≤ t} weights[t'] · v_t'[i]
     * </pre>
     * (the scores with their running maximum, the exponentials with their sum in ascending t', the division, then
     * out accumulated in ascending t'), so a KV-cached step and a full forward give the same bits for the same
     * query, keys and values.
     *
     * @param out          [hs] written at outStart
     * @param weights      [t+1] written at weightsStart
     * @param query        [hs] at queryStart
     * @param keys         key t' at firstKey + t'·stride, [hs] each
     * @param values       value t' at firstValue + t'·stride, [hs] each
     */
    private void attendQuery(float[] out, int outStart, float[] weights, int weightsStart, float[] query,
                             int queryStart, float[] keys, int firstKey, float[] values, int firstValue, int stride,
                             int t, int headSize) {
        float scale = 1f / sqrt((float) headSize);
        float rowMax = -3.4028235e38f;
        for (int t2 = 0; t2 <= t; t2++) {
            float score = dotProduct(query, queryStart, keys, firstKey + t2 * stride, headSize) * scale;
            weights[weightsStart + t2] = score;
            rowMax = max(rowMax, score);
        }
        float sum = 0f;
        for (int t2 = 0; t2 <= t; t2++) {
            float e = exp(weights[weightsStart + t2] - rowMax);
            weights[weightsStart + t2] = e;
            sum += e;
        }
        for (int t2 = 0; t2 <= t; t2++) {
            weights[weightsStart + t2] = weights[weightsStart + t2] / sum;
        }
        for (int i = 0; i < headSize; i++) {
            out[outStart + i] = 0f;
        }
        for (int t2 = 0; t2 <= t; t2++) {
            int valueStart = firstValue + t2 * stride;
            float weight = weights[weightsStart + t2];
            for (int i = 0; i < headSize; i++) {
                out[outStart + i] += weight * values[valueStart + i];
            }
        }
    }

    /**
     * Mirrors {@code Attention.storeKeysValues}: for each r, keys and values of qkv row qkvRows[r] into slot
     * (sequences[r], positions[r]) of the cache. One work item per (r,c): R·C items, each copying one key and one
     * value element.
     *
     * @param keys      [S,maxT,C] written at the listed slots
     * @param values    [S,maxT,C] written likewise
     * @param qkv       [·,3C]
     * @param qkvRows   [R]
     * @param sequences [R]
     * @param positions [R]
     */
    protected void storeKeysValues(int item, float[] keys, int keysOffset, float[] values, int valuesOffset,
                                   float[] qkv, int qkvOffset, int[] qkvRows, int qkvRowsOffset, int[] sequences,
                                   int sequencesOffset, int[] positions, int positionsOffset, int C, int maxT) {
        int r = item / C;
        int c = item % C;
        int from = qkvOffset + qkvRows[qkvRowsOffset + r] * 3 * C;
        int to = (sequences[sequencesOffset + r] * maxT + positions[positionsOffset + r]) * C + c;
        keys[keysOffset + to] = qkv[from + C + c];
        values[valuesOffset + to] = qkv[from + 2 * C + c];
    }

    /**
     * Mirrors {@code Attention.attentionBackward} in two passes of B·H·T work items each. The reference runs one
     * task per (b,h) and walks the query rows t in order; here the rows run in parallel and the same sums are
     * taken in the same order:
     * <pre>
     *   pass 0, item (b,h,t):  datt[t'] = dout_t · v_t'   (t' ≤ t)
     *                          dpre[t,t'] = att[t,t'] · (datt[t'] − Σ_u att[t,u]·datt[u])         → scratch
     *   pass 1, item (b,h,r):  dq_r += Σ_{t' ≤ r} (dpre[r,t']/sqrt(hs)) · k_t'                     (t' ascending)
     *                          dk_r += Σ_{t ≥ r} (dpre[t,r]/sqrt(hs)) · q_t                       (t ascending)
     *                          dv_r += Σ_{t ≥ r} att[t,r] · dout_t                                 (t ascending)
     * </pre>
     * Each item of pass 1 owns row r of dq, dk and dv for its head.
     *
     * @param dqkv    [B,T,3C] accumulated into
     * @param dout    [B,T,C]
     * @param qkv     [B,T,3C] and {@code att} [B,H,T,T] from the forward
     * @param scratch [B,H,T,T] dpre, written by pass 0 and read by pass 1
     */
    protected void attentionBackward(int item, int backwardPass, float[] dqkv, int dqkvOffset, float[] dout,
                                     int doutOffset, float[] qkv, int qkvOffset, float[] att, int attOffset,
                                     float[] scratch, int scratchOffset, int T, int C, int H) {
        int headSize = C / H;
        float scale = 1f / sqrt((float) headSize);
        int b = item / (H * T);
        int h = (item / T) % H;
        int r = item % T;
        if (backwardPass == 0) {
            int attRow = attOffset + ((b * H + h) * T + r) * T;
            int dpreRow = scratchOffset + ((b * H + h) * T + r) * T;
            int doutStart = doutOffset + (b * T + r) * C + h * headSize;
            for (int t2 = 0; t2 <= r; t2++) {
                int valueStart = qkvOffset + (b * T + t2) * 3 * C + 2 * C + h * headSize;
                float dotValue = 0f;
                for (int i = 0; i < headSize; i++) {
                    dotValue += dout[doutStart + i] * qkv[valueStart + i];
                }
                scratch[dpreRow + t2] = dotValue;
            }
            float weighted = 0f;
            for (int t2 = 0; t2 <= r; t2++) {
                weighted += att[attRow + t2] * scratch[dpreRow + t2];
            }
            for (int t2 = 0; t2 <= r; t2++) {
                scratch[dpreRow + t2] = att[attRow + t2] * (scratch[dpreRow + t2] - weighted);
            }
        } else {
            int headBlock = (b * H + h) * T;
            int dQueryStart = dqkvOffset + (b * T + r) * 3 * C + h * headSize;
            int dKeyStart = dQueryStart + C;
            int dValueStart = dQueryStart + 2 * C;
            for (int i = 0; i < headSize; i++) {
                float dq = dqkv[dQueryStart + i];
                for (int t2 = 0; t2 <= r; t2++) {
                    float d = scratch[scratchOffset + (headBlock + r) * T + t2] * scale;
                    dq += d * qkv[qkvOffset + (b * T + t2) * 3 * C + C + h * headSize + i];
                }
                dqkv[dQueryStart + i] = dq;

                float dk = dqkv[dKeyStart + i];
                float dv = dqkv[dValueStart + i];
                for (int t = r; t < T; t++) {
                    float d = scratch[scratchOffset + (headBlock + t) * T + r] * scale;
                    dk += d * qkv[qkvOffset + (b * T + t) * 3 * C + h * headSize + i];
                    dv += att[attOffset + (headBlock + t) * T + r]
                            * dout[doutOffset + (b * T + t) * C + h * headSize + i];
                }
                dqkv[dKeyStart + i] = dk;
                dqkv[dValueStart + i] = dv;
            }
        }
    }
}

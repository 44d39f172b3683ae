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
     * its head's attention matrix and its slice of out.
     *
     * @param out [B,T,C] written
     * @param att [B,H,T,T] written (zero above the diagonal)
     * @param qkv [B,T,3C]
     */
    protected void attentionForward(int item, float[] out, int outOffset, float[] att, int attOffset, float[] qkv,
                                    int qkvOffset, int T, int C, int H) {
        int headSize = C / H;
        float scale = 1f / sqrt((float) headSize);
        int b = item / (H * T);
        int h = (item / T) % H;
        int t = item % T;
        int queryStart = qkvOffset + (b * T + t) * 3 * C + h * headSize;
        int attRow = attOffset + ((b * H + h) * T + t) * T;

        float rowMax = -3.4028235e38f;
        for (int t2 = 0; t2 <= t; t2++) {
            int keyStart = qkvOffset + (b * T + t2) * 3 * C + C + h * headSize;
            float score = dotProduct(qkv, queryStart, qkv, keyStart, headSize) * scale;
            att[attRow + t2] = score;
            rowMax = max(rowMax, score);
        }
        float sum = 0f;
        for (int t2 = 0; t2 <= t; t2++) {
            float e = exp(att[attRow + t2] - rowMax);
            att[attRow + t2] = e;
            sum += e;
        }
        for (int t2 = 0; t2 < T; t2++) {
            att[attRow + t2] = t2 <= t ? att[attRow + t2] / sum : 0f;
        }

        int outStart = outOffset + (b * T + t) * C + h * headSize;
        for (int i = 0; i < headSize; i++) {
            out[outStart + i] = 0f;
        }
        for (int t2 = 0; t2 <= t; t2++) {
            int valueStart = qkvOffset + (b * T + t2) * 3 * C + 2 * C + h * headSize;
            float weight = att[attRow + t2];
            for (int i = 0; i < headSize; i++) {
                out[outStart + i] += weight * qkv[valueStart + i];
            }
        }
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

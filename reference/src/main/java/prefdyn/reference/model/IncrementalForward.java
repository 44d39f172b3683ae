package prefdyn.reference.model;

import prefdyn.reference.layers.Attention;
import prefdyn.reference.util.Parallel;

import static prefdyn.reference.layers.Encoder.encoderForwardAtPositions;
import static prefdyn.reference.layers.Gelu.geluForward;
import static prefdyn.reference.layers.LayerNorm.layerNormForward;
import static prefdyn.reference.layers.Linear.linearForward;
import static prefdyn.reference.layers.Residual.residualForward;

/**
 * One sampling step with a {@link KvCache}: the forward of {@link GptModel} for ONE new position per sequence,
 * the earlier positions' keys and values read from the cache instead of recomputed. For N sequences whose new
 * token y_n takes position p_n = cache.length(s_n):
 * <pre>
 *   x      = wte[y_n] + wpe[p_n]                                 encoderForwardAtPositions
 *   for each block l:
 *     qkv  = c_attn(ln_1(x));  store its k, v at position p_n     layerNorm, linear, (cache)
 *     a    = x + c_proj(attn(q_n; k, v at positions 0..p_n))     attendOneQuery, linear, residual
 *     x    = a + mlp.c_proj(gelu(mlp.c_fc(ln_2(a))))             layerNorm, linear, gelu, linear, residual
 *   h      = ln_f(x)                                             layerNorm
 * </pre>
 * The work per step is that of one position (plus attention over the p_n cached keys) instead of the p_n + 1
 * positions a recompute runs: O(T) per sampled token rather than O(T²).
 *
 * <p>Bit for bit the full forward's numbers at those positions. Every call is the layer function the full forward
 * calls, on N rows instead of B·T: LayerNorm, GELU and the residual add are elementwise per row, and
 * {@code Linear} sums each output element in the same order whichever tile or row block it falls in
 * ({@code TiledLoopsTest}); attention is {@link Attention#attendOneQuery}, the very method the full forward runs
 * for each (sequence, head, position), given the same keys and values (the cache holds copies of the full
 * forward's) in the same order.
 */
final class IncrementalForward {

    private IncrementalForward() {
    }

    /**
     * Runs the new position of each listed sequence through the blocks and ln_f, storing each block's key and
     * value of it in the cache and then advancing the cache's lengths.
     *
     * @param cacheSequences [N] the cached sequences, distinct, each with its prompt already in the cache
     * @param tokens         [N] the new token of each, in [0, V)
     * @return [N,C] ln_f's output at the new positions, for {@link GptModel#nextTokenLogProbsOf}
     */
    static double[] step(GptModel model, KvCache cache, int[] cacheSequences, int[] tokens) {
        GptConfig config = model.config();
        ParameterLayout layout = model.layout();
        double[] params = model.parameters();
        Parallel parallel = model.parallel();
        int N = cacheSequences.length;
        int C = config.channels();
        int H = config.numHeads();
        int headSize = C / H;
        int T = cache.contextLength();
        int[] positions = new int[N];
        for (int n = 0; n < N; n++) {
            positions[n] = cache.length(cacheSequences[n]);
            if (positions[n] >= T) {
                throw new IllegalArgumentException("a sequence of length " + (positions[n] + 1)
                        + " exceeds the context length " + T);
            }
            if (tokens[n] < 0 || tokens[n] >= config.vocabSize()) {
                throw new IllegalArgumentException("sequence " + n + ", position " + positions[n] + ": token id "
                        + tokens[n] + " outside [0, " + config.vocabSize() + ")");
            }
        }

        double[] x = new double[N * C];                                  // [N,C]
        encoderForwardAtPositions(x, tokens, positions, params, layout.offset("wte.weight"),
                layout.offset("wpe.weight"), N, C);
        for (int l = 0; l < config.numLayers(); l++) {
            double[] ln1 = new double[N * C];                            // [N,C]
            layerNormForward(parallel, ln1, new double[N], new double[N], x, params,
                    layout.blockOffset(l, "ln_1.weight"), layout.blockOffset(l, "ln_1.bias"), N, C,
                    GptConfig.LAYER_NORM_EPS);
            double[] qkv = new double[N * 3 * C];                        // [N,3C]
            linearForward(parallel, qkv, ln1, params,
                    layout.blockOffset(l, "attn.c_attn.weight"), layout.blockOffset(l, "attn.c_attn.bias"), N, C, 3 * C);
            cache.storeNewPositions(l, qkv, cacheSequences, N);

            double[] attOut = new double[N * C];                         // [N,C]
            double[] weights = new double[N * H * T];                    // [N,H,T] scratch: att of the new rows
            double[] keys = cache.keys(l);
            double[] values = cache.values(l);
            parallel.forEach(N * H, index -> {
                int n = index / H;
                int h = index % H;
                int first = cache.sequenceStart(cacheSequences[n]) + h * headSize; // position 0, head h
                Attention.attendOneQuery(attOut, n * C + h * headSize, weights, index * T,
                        qkv, n * 3 * C + h * headSize, keys, first, values, first, C, positions[n], headSize);
            });

            double[] attProj = new double[N * C];                        // [N,C]
            linearForward(parallel, attProj, attOut, params,
                    layout.blockOffset(l, "attn.c_proj.weight"), layout.blockOffset(l, "attn.c_proj.bias"), N, C, C);
            double[] afterAttention = new double[N * C];                 // [N,C]
            residualForward(afterAttention, x, attProj, N * C);
            double[] ln2 = new double[N * C];                            // [N,C]
            layerNormForward(parallel, ln2, new double[N], new double[N], afterAttention, params,
                    layout.blockOffset(l, "ln_2.weight"), layout.blockOffset(l, "ln_2.bias"), N, C,
                    GptConfig.LAYER_NORM_EPS);
            double[] fc = new double[N * 4 * C];                         // [N,4C]
            linearForward(parallel, fc, ln2, params,
                    layout.blockOffset(l, "mlp.c_fc.weight"), layout.blockOffset(l, "mlp.c_fc.bias"), N, C, 4 * C);
            double[] fcGelu = new double[N * 4 * C];                     // [N,4C]
            geluForward(parallel, fcGelu, fc, N * 4 * C);
            double[] fcProj = new double[N * C];                         // [N,C]
            linearForward(parallel, fcProj, fcGelu, params,
                    layout.blockOffset(l, "mlp.c_proj.weight"), layout.blockOffset(l, "mlp.c_proj.bias"), N, 4 * C, C);
            double[] blockOutput = new double[N * C];                    // [N,C]
            residualForward(blockOutput, afterAttention, fcProj, N * C);
            x = blockOutput;
        }
        cache.advance(cacheSequences);

        double[] lnf = new double[N * C];                                // [N,C]
        layerNormForward(parallel, lnf, new double[N], new double[N], x, params,
                layout.offset("ln_f.weight"), layout.offset("ln_f.bias"), N, C, GptConfig.LAYER_NORM_EPS);
        return lnf;
    }
}

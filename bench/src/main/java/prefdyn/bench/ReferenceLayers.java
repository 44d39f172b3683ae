package prefdyn.bench;

import prefdyn.reference.layers.Attention;
import prefdyn.reference.layers.Encoder;
import prefdyn.reference.layers.Gelu;
import prefdyn.reference.layers.LayerNorm;
import prefdyn.reference.layers.Linear;
import prefdyn.reference.layers.LmHead;
import prefdyn.reference.layers.LogSoftmax;
import prefdyn.reference.layers.TokenLogProb;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.Parallel;

import java.util.Arrays;
import java.util.Random;

/**
 * The inputs of every reference layer at one model size, as the layer sees them inside the model: GPT-2's seeded
 * initialisation, a batch of {@link ModelSize#BATCH} random sequences of the full context, and the activations of
 * block 0 computed by running its forward once (so softmax, GELU and LayerNorm see realistic values). The
 * upstream gradients are seeded Gaussian noise. Backward calls accumulate into the gradient arrays, as in the
 * model; repeated calls only make those arrays grow linearly, which changes no timing.
 */
final class ReferenceLayers {

    final GptConfig config;
    final int B, T, C, H, V, N;
    final ParameterLayout layout;
    final double[] params;
    final double[] grads;
    final int wte, wpe, lnWeight, lnBias;

    final int[] tokens;        // [B,T]
    final int[] lengths;       // [B], all T
    final double[] encoded;    // [N,C] encoder output, the block's input
    final double[] ln;         // [N,C] ln_1 output
    final double[] lnMean;     // [N]
    final double[] lnRstd;     // [N]
    final double[] qkv;        // [N,3C]
    final double[] att;        // [B,H,T,T]
    final double[] attOut;     // [N,C]
    final double[] residual;   // [N,C]
    final double[] fc;         // [N,4C]
    final double[] fcGelu;     // [N,4C]
    final double[] logits;     // [N,V]
    final double[] logProbs;   // [N,V]
    final double[] tokenLogProbs; // [N]

    final double[] dC;         // [N,C] upstream gradient of a C-wide activation
    final double[] dinpC;      // [N,C] accumulated into
    final double[] dinpC2;     // [N,C] accumulated into
    final double[] dFc;        // [N,4C] upstream
    final double[] dinpFc;     // [N,4C] accumulated into
    final double[] dqkv;       // [N,3C] accumulated into by attention backward
    final double[] dLogits;    // [N,V] upstream of the LM head
    final double[] dLogProbs;  // [N,V] upstream of log-softmax
    final double[] dinpLogits; // [N,V] written by log-softmax backward, accumulated into by the token gather
    final double[] dTokenLogProbs; // [N]

    private final LinearCase[] linears = new LinearCase[MatmulShape.values().length];

    /**
     * One linear layer of block 0: forward {@code out = inp·W + b}, backward with upstream {@code dout} into
     * {@code dinp} and the gradient.
     */
    record LinearCase(double[] inp, double[] out, double[] dout, double[] dinp, int weightOffset, int biasOffset,
                      int I, int O) {
    }

    ReferenceLayers(ModelSize size, Parallel parallel) {
        config = size.config();
        B = ModelSize.BATCH;
        T = config.contextLength();
        C = config.channels();
        H = config.numHeads();
        V = config.vocabSize();
        N = size.rows();
        layout = new ParameterLayout(config);
        params = new double[layout.size()];
        GptInitializer.initialize(layout, params, 1);
        grads = new double[layout.size()];
        wte = layout.offset("wte.weight");
        wpe = layout.offset("wpe.weight");
        lnWeight = layout.blockOffset(0, "ln_1.weight");
        lnBias = layout.blockOffset(0, "ln_1.bias");

        Random random = new Random(1234);
        tokens = new int[N];
        for (int n = 0; n < N; n++) {
            tokens[n] = random.nextInt(V);
        }
        lengths = new int[B];
        Arrays.fill(lengths, T);

        encoded = new double[N * C];
        ln = new double[N * C];
        lnMean = new double[N];
        lnRstd = new double[N];
        qkv = new double[N * 3 * C];
        att = new double[B * H * T * T];
        attOut = new double[N * C];
        double[] attProj = new double[N * C];
        residual = new double[N * C];
        fc = new double[N * 4 * C];
        fcGelu = new double[N * 4 * C];
        double[] fcProj = new double[N * C];
        logits = new double[N * V];
        logProbs = new double[N * V];
        tokenLogProbs = new double[N];

        dC = gaussian(random, N * C);
        dinpC = new double[N * C];
        dinpC2 = new double[N * C];
        dFc = gaussian(random, N * 4 * C);
        dinpFc = new double[N * 4 * C];
        dqkv = new double[N * 3 * C];
        dLogits = gaussian(random, N * V);
        dLogProbs = gaussian(random, N * V);
        dinpLogits = new double[N * V];
        dTokenLogProbs = gaussian(random, N);

        linears[MatmulShape.QKV.ordinal()] = linear(MatmulShape.QKV, ln, qkv, gaussian(random, N * 3 * C), dinpC);
        linears[MatmulShape.ATTN_PROJ.ordinal()] = linear(MatmulShape.ATTN_PROJ, attOut, attProj, dC, dinpC);
        linears[MatmulShape.FC.ordinal()] = linear(MatmulShape.FC, ln, fc, dFc, dinpC);
        linears[MatmulShape.FC_PROJ.ordinal()] = linear(MatmulShape.FC_PROJ, fcGelu, fcProj, dC, dinpFc);

        // block 0's forward, once, so every layer's input is what the model would hand it
        Encoder.encoderForward(encoded, tokens, params, wte, wpe, B, T, C);
        LayerNorm.layerNormForward(parallel, ln, lnMean, lnRstd, encoded, params, lnWeight, lnBias, N, C,
                GptConfig.LAYER_NORM_EPS);
        linearForward(parallel, MatmulShape.QKV);
        Attention.attentionForward(parallel, attOut, att, qkv, B, T, C, H);
        linearForward(parallel, MatmulShape.ATTN_PROJ);
        linearForward(parallel, MatmulShape.FC);
        Gelu.geluForward(parallel, fcGelu, fc, N * 4 * C);
        linearForward(parallel, MatmulShape.FC_PROJ);
        LmHead.lmHeadForward(parallel, logits, ln, params, wte, N, C, V);
        LogSoftmax.logSoftmaxForward(parallel, logProbs, logits, N, V);
        TokenLogProb.tokenLogProbForward(tokenLogProbs, logProbs, tokens, lengths, B, T, V);
    }

    private LinearCase linear(MatmulShape shape, double[] inp, double[] out, double[] dout, double[] dinp) {
        String bias = shape.weightName().replace(".weight", ".bias");
        return new LinearCase(inp, out, dout, dinp, layout.blockOffset(0, shape.weightName()),
                layout.blockOffset(0, bias), shape.in(config), shape.out(config));
    }

    /** The linear layer of block 0 with this shape (not the LM head). */
    LinearCase linear(MatmulShape shape) {
        if (shape == MatmulShape.LM_HEAD) {
            throw new IllegalArgumentException("the LM head is not a Linear layer");
        }
        return linears[shape.ordinal()];
    }

    void linearForward(Parallel parallel, MatmulShape shape) {
        LinearCase l = linear(shape);
        Linear.linearForward(parallel, l.out(), l.inp(), params, l.weightOffset(), l.biasOffset(), N, l.I(), l.O());
    }

    void linearBackward(Parallel parallel, MatmulShape shape) {
        LinearCase l = linear(shape);
        Linear.linearBackward(parallel, l.dinp(), grads, l.dout(), l.inp(), params, l.weightOffset(),
                l.biasOffset(), N, l.I(), l.O());
    }

    static double[] gaussian(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }
}

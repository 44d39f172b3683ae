package prefdyn.bench;

import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.accelerated.kernels.TwinDevice;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptInitializer;
import prefdyn.reference.model.ParameterLayout;

import java.util.Random;

/**
 * The twin's counterpart of {@link ReferenceLayers}: the same parameters (GPT-2's seeded initialisation, rounded
 * to float) and the same kind of batch, held on the OpenCL device the way {@code AcceleratedEngine} holds them —
 * parameters and gradients in their own buffers, activations in one arena, gradients of activations in another,
 * token ids in the integer buffer. Block 0's forward runs once on the device to fill the activations; the
 * upstream gradients are seeded Gaussian noise copied in through the exchange area.
 *
 * <p>A benchmark call is then one launch of one kernel on data that is already on the device, as inside the
 * engine: it measures the kernel (and Aparapi's launch), not host↔device copies.
 *
 * @throws prefdyn.accelerated.kernels.KernelFallbackException from the constructor when there is no OpenCL device
 *         (the message says what to install), and from any launch that does not run on OpenCL
 */
final class TwinLayers implements AutoCloseable {

    final TwinDevice device;
    final int B, T, C, H, V, N;
    final int wte, wpe, lnWeight, lnBias;

    // offsets in the activation arena
    final int encoded, ln, lnMean, lnRstd, qkv, att, attOut, attProj, residual, fc, fcGelu, fcProj, logits,
            logProbs, tokenLogProbs;
    // offsets in the gradient arena
    final int dQkvUp, dC, dinpC, dinpC2, dFc, dinpFc, dqkv, attScratch, dLogits, dLogProbs, dinpLogits,
            dTokenLogProbs;
    // offsets in the integer buffer
    final int tokens, lengths;

    private final LinearCase[] linears = new LinearCase[MatmulShape.values().length];

    /** One linear layer of block 0 by offsets: inp, out in the activation arena; dout, dinp in the gradient arena. */
    record LinearCase(int inp, int out, int dout, int dinp, int weightOffset, int biasOffset, int I, int O) {
    }

    TwinLayers(ModelSize size) {
        if (System.getProperty("com.aparapi.logLevel") == null) {
            System.setProperty("com.aparapi.logLevel", "SEVERE");
        }
        GptConfig config = size.config();
        B = ModelSize.BATCH;
        T = config.contextLength();
        C = config.channels();
        H = config.numHeads();
        V = config.vocabSize();
        N = size.rows();
        ParameterLayout layout = new ParameterLayout(config);
        wte = layout.offset("wte.weight");
        wpe = layout.offset("wpe.weight");
        lnWeight = layout.blockOffset(0, "ln_1.weight");
        lnBias = layout.blockOffset(0, "ln_1.bias");

        Arena acts = new Arena();
        encoded = acts.add(N * C);
        ln = acts.add(N * C);
        lnMean = acts.add(N);
        lnRstd = acts.add(N);
        qkv = acts.add(N * 3 * C);
        att = acts.add(B * H * T * T);
        attOut = acts.add(N * C);
        attProj = acts.add(N * C);
        residual = acts.add(N * C);
        fc = acts.add(N * 4 * C);
        fcGelu = acts.add(N * 4 * C);
        fcProj = acts.add(N * C);
        logits = acts.add(N * V);
        logProbs = acts.add(N * V);
        tokenLogProbs = acts.add(N);

        Arena dacts = new Arena();
        dQkvUp = dacts.add(N * 3 * C);
        dC = dacts.add(N * C);
        dFc = dacts.add(N * 4 * C);
        dLogits = dacts.add(N * V);
        dLogProbs = dacts.add(N * V);
        dTokenLogProbs = dacts.add(N);
        int seeded = dacts.size; // the upstream gradients above are random; the accumulators below start at zero
        dinpC = dacts.add(N * C);
        dinpC2 = dacts.add(N * C);
        dinpFc = dacts.add(N * 4 * C);
        dqkv = dacts.add(N * 3 * C);
        attScratch = dacts.add(B * H * T * T);
        dinpLogits = dacts.add(N * V);

        tokens = 0;
        lengths = N;

        device = TwinDevice.open(FallbackPolicy.FAIL_FAST);
        try {
            double[] params = new double[layout.size()];
            GptInitializer.initialize(layout, params, 1);
            device.allocateParameterBuffers(layout.size());
            device.writeParameters(params);
            device.reserveActivations(acts.size, 0);
            device.reserveGradientArena(dacts.size);

            Random random = new Random(1234);
            int[] ints = device.intsForWriting(N + B);
            for (int n = 0; n < N; n++) {
                ints[tokens + n] = random.nextInt(V);
            }
            for (int b = 0; b < B; b++) {
                ints[lengths + b] = T;
            }
            device.uploadInts();
            float[] io = device.ioForWriting(dacts.size);
            for (int i = 0; i < dacts.size; i++) {
                io[i] = i < seeded ? (float) random.nextGaussian() : 0f;
            }
            device.uploadIo();
            device.ioToGradientArena(0, 0, dacts.size);

            linears[MatmulShape.QKV.ordinal()] = linear(layout, MatmulShape.QKV, ln, qkv, dQkvUp, dinpC);
            linears[MatmulShape.ATTN_PROJ.ordinal()] = linear(layout, MatmulShape.ATTN_PROJ, attOut, attProj, dC, dinpC);
            linears[MatmulShape.FC.ordinal()] = linear(layout, MatmulShape.FC, ln, fc, dFc, dinpC);
            linears[MatmulShape.FC_PROJ.ordinal()] = linear(layout, MatmulShape.FC_PROJ, fcGelu, fcProj, dC, dinpFc);

            // block 0's forward on the device, once, to fill the activations
            device.encoderForward(encoded, tokens, wte, wpe, B, T, C);
            device.layerNormForward(ln, lnMean, lnRstd, encoded, lnWeight, lnBias, N, C, GptConfig.LAYER_NORM_EPS);
            linearForward(MatmulShape.QKV);
            device.attentionForward(attOut, att, qkv, B, T, C, H);
            linearForward(MatmulShape.ATTN_PROJ);
            linearForward(MatmulShape.FC);
            device.geluForward(fcGelu, fc, N * 4 * C);
            linearForward(MatmulShape.FC_PROJ);
            device.lmHeadForward(logits, ln, wte, N, C, V);
            device.logSoftmaxForward(logProbs, logits, N, V);
            device.tokenLogProbForward(tokenLogProbs, logProbs, tokens, lengths, B, T, V);
        } catch (RuntimeException | Error e) {
            device.close();
            throw e;
        }
        if (!device.kernelsRunOnOpenCl()) {
            device.close();
            throw new IllegalStateException("the twin's kernels did not all run on OpenCL: " + device.executions());
        }
    }

    private static LinearCase linear(ParameterLayout layout, MatmulShape shape, int inp, int out, int dout, int dinp) {
        GptConfig config = layout.config();
        String bias = shape.weightName().replace(".weight", ".bias");
        return new LinearCase(inp, out, dout, dinp, layout.blockOffset(0, shape.weightName()),
                layout.blockOffset(0, bias), shape.in(config), shape.out(config));
    }

    void linearForward(MatmulShape shape) {
        LinearCase l = linears[shape.ordinal()];
        device.linearForward(l.out(), l.inp(), l.weightOffset(), l.biasOffset(), N, l.I(), l.O());
    }

    void linearBackward(MatmulShape shape) {
        LinearCase l = linears[shape.ordinal()];
        device.linearBackward(l.dinp(), l.dout(), l.inp(), l.weightOffset(), l.biasOffset(), N, l.I(), l.O());
    }

    @Override
    public void close() {
        device.close();
    }

    /** Consecutive tensors in one device buffer. */
    private static final class Arena {
        int size;

        int add(int length) {
            int offset = size;
            size += length;
            return offset;
        }
    }
}

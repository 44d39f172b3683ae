package prefdyn.oracle;

import prefdyn.reference.layers.Attention;
import prefdyn.reference.layers.LayerNorm;
import prefdyn.reference.layers.LogSoftmax;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.optim.AdamW;
import prefdyn.reference.optim.AdamWSettings;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Seeded random arguments for every reference kernel, by name: valid shapes, token ids in range, tensors at random
 * offsets inside a larger parameter array, accumulated arrays pre-filled with noise (so "+=" is checked, not
 * "="), outputs pre-filled with noise (so every element must be written), and inputs that must come from a forward
 * (attention weights, LayerNorm statistics, log-probs) computed by the reference forward.
 */
final class KernelCases {

    /** Sizes a case draws from: batch B, width T, channels C = H·headSize, vocabulary V, linear I → O. */
    record Shape(int B, int T, int H, int headSize, int V, int I, int O) {
        int C() {
            return H * headSize;
        }

        int N() {
            return B * T;
        }
    }

    /**
     * One call of a pair.
     *
     * @param receiver  the object for an instance method (AdamW), else null
     * @param reference arguments of the reference method
     * @param twin      arguments of the twin, or null to derive them from {@code reference} (double[] → float[],
     *                  without the Parallel)
     * @param extras    state to compare besides the arguments and the return value
     */
    record Invocation(Object receiver, Object[] reference, Object[] twin, List<Extra> extras) {
        static Invocation of(Object... reference) {
            return new Invocation(null, reference, null, List.of());
        }
    }

    /** A further quantity to compare after the call, e.g. AdamW's moments. */
    record Extra(String name, Supplier<double[]> reference, Supplier<double[]> twin) {
    }

    private static final Parallel SEQUENTIAL = Parallel.sequential();
    private static final double EPS = GptConfig.LAYER_NORM_EPS;

    private KernelCases() {
    }

    /**
     * The arguments of one call of the kernel {@code name} (a row of the table of {@code TwinProgram}); every row
     * must have a case here ({@link KernelInventoryTest} builds them all, without a device).
     */
    static Invocation build(String name, Shape s, Random r) {
        int B = s.B();
        int T = s.T();
        int C = s.C();
        int H = s.H();
        int V = s.V();
        int N = s.N();
        int I = s.I();
        int O = s.O();
        return switch (name) {
            case "encoderForward", "encoderBackward" -> {
                int maxT = T + r.nextInt(3);
                Params p = new Params(r);
                int wte = p.place(V * C);
                int wpe = p.place(maxT * C);
                int[] tokens = tokens(r, N, V);
                yield name.equals("encoderForward")
                        ? Invocation.of(noise(r, N * C), tokens, p.values(), wte, wpe, B, T, C)
                        : Invocation.of(noise(r, p.size()), wte, wpe, noise(r, N * C), tokens, B, T, C);
            }
            case "encoderForwardAtPositions" -> {
                int maxT = T + r.nextInt(3);
                Params p = new Params(r);
                int wte = p.place(V * C);
                int wpe = p.place(maxT * C);
                int[] positions = new int[N];
                for (int n = 0; n < N; n++) {
                    positions[n] = r.nextInt(maxT);
                }
                yield Invocation.of(noise(r, N * C), tokens(r, N, V), positions, p.values(), wte, wpe, N, C);
            }
            case "layerNormForward" -> {
                Params p = new Params(r);
                int weight = p.place(C);
                int bias = p.place(C);
                yield Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, N), noise(r, N), shifted(r, N * C),
                        p.values(), weight, bias, N, C, EPS);
            }
            case "layerNormBackward" -> {
                Params p = new Params(r);
                int weight = p.place(C);
                int bias = p.place(C);
                double[] inp = shifted(r, N * C);
                double[] mean = new double[N];
                double[] rstd = new double[N];
                LayerNorm.layerNormForward(SEQUENTIAL, new double[N * C], mean, rstd, inp, p.values(), weight, bias,
                        N, C, EPS);
                yield Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, p.size()), noise(r, N * C), inp, p.values(),
                        weight, bias, mean, rstd, N, C);
            }
            case "linearForward", "linearBackward" -> {
                Params p = new Params(r);
                int weight = p.place(I * O);
                int bias = r.nextInt(3) == 0 ? -1 : p.place(O);
                yield name.equals("linearForward")
                        ? Invocation.of(SEQUENTIAL, noise(r, N * O), noise(r, N * I), p.values(), weight, bias, N, I, O)
                        : Invocation.of(SEQUENTIAL, r.nextInt(3) == 0 ? null : noise(r, N * I), noise(r, p.size()),
                        noise(r, N * O), noise(r, N * I), p.values(), weight, bias, N, I, O);
            }
            case "linearGeluForward", "linearResidualForward" -> {
                Params p = new Params(r);
                int weight = p.place(I * O);
                int bias = r.nextInt(3) == 0 ? -1 : p.place(O);
                yield name.equals("linearGeluForward")
                        ? Invocation.of(SEQUENTIAL, noise(r, N * O), noise(r, N * O), noise(r, N * I), p.values(),
                        weight, bias, N, I, O)
                        : Invocation.of(SEQUENTIAL, noise(r, N * O), noise(r, N * O), noise(r, N * I),
                        noise(r, N * O), p.values(), weight, bias, N, I, O);
            }
            case "linearResidualBackward" -> {
                Params p = new Params(r);
                int weight = p.place(I * O);
                int bias = r.nextInt(3) == 0 ? -1 : p.place(O);
                yield Invocation.of(SEQUENTIAL, r.nextInt(3) == 0 ? null : noise(r, N * I), noise(r, N * O),
                        noise(r, p.size()), noise(r, N * O), noise(r, N * I), p.values(), weight, bias, N, I, O);
            }
            case "lastPositionForward" ->
                    Invocation.of(noise(r, B * C), noise(r, N * C), lengths(r, B, T), B, T, C);
            case "attentionForward" ->
                    Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, B * H * T * T), noise(r, N * 3 * C), B, T, C, H);
            case "attendOneQuery" -> {
                // one query of head size hs at position t over t + 1 keys and values `stride` apart, every tensor at
                // a random start inside a larger array (the weights beyond t + 1 must stay untouched)
                int hs = s.headSize();
                int t = r.nextInt(T);
                int stride = hs + r.nextInt(2 * C + 1);
                int outStart = r.nextInt(3);
                int weightsStart = r.nextInt(3);
                int queryStart = r.nextInt(3);
                int firstKey = r.nextInt(3);
                int firstValue = r.nextInt(3);
                yield Invocation.of(noise(r, outStart + hs + r.nextInt(3)), outStart,
                        noise(r, weightsStart + T + 1), weightsStart,
                        noise(r, queryStart + hs + r.nextInt(3)), queryStart,
                        noise(r, firstKey + t * stride + hs + r.nextInt(3)), firstKey,
                        noise(r, firstValue + t * stride + hs + r.nextInt(3)), firstValue, stride, t, hs);
            }
            case "storeKeysValues" -> {
                // R distinct (sequence, position) slots of an [S,maxT,C] cache, each from a random qkv row
                int S = 1 + r.nextInt(3);
                int maxT = T;
                List<Integer> slots = new ArrayList<>();
                for (int slot = 0; slot < S * maxT; slot++) {
                    slots.add(slot);
                }
                Collections.shuffle(slots, r);
                int R = 1 + r.nextInt(S * maxT);
                int[] qkvRows = new int[R];
                int[] sequences = new int[R];
                int[] positions = new int[R];
                for (int k = 0; k < R; k++) {
                    qkvRows[k] = r.nextInt(N);
                    sequences[k] = slots.get(k) / maxT;
                    positions[k] = slots.get(k) % maxT;
                }
                yield Invocation.of(noise(r, S * maxT * C), noise(r, S * maxT * C), noise(r, N * 3 * C), qkvRows,
                        sequences, positions, R, C, maxT);
            }
            case "attentionBackward" -> {
                double[] qkv = noise(r, N * 3 * C);
                double[] att = new double[B * H * T * T];
                Attention.attentionForward(SEQUENTIAL, new double[N * C], att, qkv, B, T, C, H);
                yield Invocation.of(SEQUENTIAL, noise(r, N * 3 * C), noise(r, N * C), qkv, att, B, T, C, H);
            }
            case "geluForward" -> Invocation.of(SEQUENTIAL, noise(r, N * C), scaled(r, N * C, 3.0), N * C);
            case "geluBackward" ->
                    Invocation.of(SEQUENTIAL, noise(r, N * C), scaled(r, N * C, 3.0), noise(r, N * C), N * C);
            case "residualForward" -> Invocation.of(noise(r, N * C), noise(r, N * C), noise(r, N * C), N * C);
            case "residualBackward" -> Invocation.of(noise(r, N * C), noise(r, N * C), noise(r, N * C), N * C);
            case "lmHeadForward", "lmHeadBackward" -> {
                Params p = new Params(r);
                int wte = p.place(V * C);
                yield name.equals("lmHeadForward")
                        ? Invocation.of(SEQUENTIAL, noise(r, N * V), noise(r, N * C), p.values(), wte, N, C, V)
                        : Invocation.of(SEQUENTIAL, noise(r, N * C), noise(r, p.size()), sparse(r, N * V),
                        noise(r, N * C), p.values(), wte, N, C, V);
            }
            case "logSoftmaxForward" -> Invocation.of(SEQUENTIAL, noise(r, N * V), scaled(r, N * V, 3.0), N, V);
            case "logSoftmaxBackward" -> {
                double[] logProbs = logProbs(r, N, V);
                double[] dlogProbs = noise(r, N * V);
                for (int v = 0; v < V; v++) {
                    dlogProbs[v] = 0.0; // one row without upstream gradient, left untouched
                }
                yield Invocation.of(SEQUENTIAL, noise(r, N * V), dlogProbs, logProbs, N, V);
            }
            case "tokenLogProbForward" -> Invocation.of(noise(r, N), logProbs(r, N, V), tokens(r, N, V),
                    lengths(r, B, T), B, T, V);
            case "tokenLogProbBackward" -> Invocation.of(noise(r, N * V), noise(r, N), tokens(r, N, V),
                    lengths(r, B, T), B, T, V);
            case "predictionStatistics" -> Invocation.of(noise(r, N), noise(r, N), logProbs(r, N, V),
                    lengths(r, B, T), B, T, V);
            case "step" -> adamWStep(s, r);
            case "globalNorm" -> Invocation.of((Object) noise(r, 1 + r.nextInt(3000)));
            case "clipGlobalNorm" -> {
                double[] grads = noise(r, 1 + r.nextInt(3000));
                double norm = norm(grads);
                yield Invocation.of(grads, r.nextBoolean() ? 0.5 * norm : 2 * norm);
            }
            case "dot" -> {
                int size = 1 + r.nextInt(3000);
                int start = r.nextInt(size);
                int end = start + r.nextInt(size - start + 1);
                yield Invocation.of(noise(r, size), noise(r, size), start, end);
            }
            default -> throw new IllegalStateException("no test case for the kernel " + name
                    + ": add one to KernelCases (see the checklist in prefdyn.accelerated.kernels)");
        };
    }

    /** AdamW.step from a random state: the reference object is restored to it, the twin is handed it. */
    private static Invocation adamWStep(Shape s, Random r) {
        GptConfig config = new GptConfig(s.V(), s.T(), 1, s.H(), s.C(), r.nextBoolean(), false);
        ParameterLayout layout = new ParameterLayout(config);
        int P = layout.size();
        double[] params = noise(r, P);
        double[] grads = scaled(r, P, 0.1);
        double[] m = scaled(r, P, 0.01);
        double[] v = new double[P];
        for (int i = 0; i < P; i++) {
            v[i] = 1e-4 * r.nextDouble();
        }
        long stepsSoFar = r.nextInt(5);
        boolean[] decayed = new boolean[P];
        for (TensorView view : layout.tensors()) {
            for (int i = view.offset(); i < view.end(); i++) {
                decayed[i] = view.shape().length >= 2;
            }
        }
        AdamWSettings settings = new AdamWSettings(0.9, 0.999, 1e-8, r.nextBoolean() ? 0.0 : 0.1);
        double learningRate = 1e-3;
        AdamW optimizer = new AdamW(layout);
        optimizer.restore(m, v, stepsSoFar);
        float[] twinM = Differences.toFloat(m);
        float[] twinV = Differences.toFloat(v);
        Object[] twin = {Differences.toFloat(params), Differences.toFloat(grads), twinM, twinV, decayed,
                stepsSoFar + 1, settings, learningRate};
        return new Invocation(optimizer, new Object[] {params, grads, settings, learningRate}, twin, List.of(
                new Extra("params", () -> params, () -> Differences.toDouble((float[]) twin[0])),
                new Extra("firstMoment", optimizer::firstMoment, () -> Differences.toDouble(twinM)),
                new Extra("secondMoment", optimizer::secondMoment, () -> Differences.toDouble(twinV))));
    }

    /** Tensors at random offsets with random gaps between them, inside one flat array. */
    private static final class Params {
        private final Random random;
        private int size;

        Params(Random random) {
            this.random = random;
            this.size = random.nextInt(4);
        }

        int place(int length) {
            int offset = size;
            size += length + random.nextInt(4);
            return offset;
        }

        int size() {
            return size;
        }

        double[] values() {
            return noise(random, size);
        }
    }

    static double[] noise(Random r, int n) {
        return scaled(r, n, 1.0);
    }

    static double[] scaled(Random r, int n, double scale) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = scale * r.nextGaussian();
        }
        return values;
    }

    /** N(2, 1): a non-zero mean, so LayerNorm subtracts something. */
    private static double[] shifted(Random r, int n) {
        double[] values = noise(r, n);
        for (int i = 0; i < n; i++) {
            values[i] += 2.0;
        }
        return values;
    }

    /** Noise with about a third of the entries exactly zero (the LM head skips those). */
    private static double[] sparse(Random r, int n) {
        double[] values = noise(r, n);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                values[i] = 0.0;
            }
        }
        return values;
    }

    private static int[] tokens(Random r, int n, int V) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = r.nextInt(V);
        }
        return tokens;
    }

    private static int[] lengths(Random r, int B, int T) {
        int[] lengths = new int[B];
        for (int b = 0; b < B; b++) {
            lengths[b] = 1 + r.nextInt(T);
        }
        return lengths;
    }

    /** Rows of a real log-softmax of N(0, 3²) logits. */
    private static double[] logProbs(Random r, int N, int V) {
        double[] logProbs = new double[N * V];
        LogSoftmax.logSoftmaxForward(SEQUENTIAL, logProbs, scaled(r, N * V, 3.0), N, V);
        return logProbs;
    }

    private static double norm(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }
}

package prefdyn.reference.sampling;

import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.SamplingSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Autoregressive generation: repeatedly asks the engine for log π(· | prefix) and appends a token drawn from
 * softmax(log π / τ) by inverse-CDF sampling, or the argmax when τ = 0.
 *
 * <p>Determinism: prompt i draws its uniforms from its own {@code SplittableRandom(seed).split()} stream, made in
 * prompt order before generation starts, so a prompt's continuation depends only on the seed, its position in the
 * list and the model, never on batching or threads.
 *
 * <p>The log-probs come from the engine's {@link SamplingSession} ({@link PolicyEngine#startSampling}), asked once
 * per step for the prompts still being continued. The reference engine's session, and the accelerated twin's,
 * keep a KV cache and run one new position per prompt and step (O(T) per token instead of recomputing the whole
 * prefix, O(T²) per sequence); other engines recompute the prefix ({@code RecomputingSession}). On each engine both
 * give the same bits (the twin's checked on PoCL), so the samples do not depend on which one ran.
 */
public final class Sampler {

    private Sampler() {
    }

    /**
     * Continues every prompt.
     *
     * @param prompts [N] prompt token ids, each non-empty
     * @return [N] the generated continuations (without the prompt), each at least one token unless the prompt
     *         already fills the context, which is an error
     */
    public static List<int[]> generate(PolicyEngine engine, List<int[]> prompts, SamplingSettings settings, long seed) {
        int contextLength = engine.config().contextLength();
        SplittableRandom root = new SplittableRandom(seed);
        List<SplittableRandom> streams = new ArrayList<>();
        List<int[]> generated = new ArrayList<>();
        boolean[] finished = new boolean[prompts.size()];
        int[] limits = new int[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            int[] prompt = prompts.get(i);
            if (prompt.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            if (prompt.length >= contextLength) {
                throw new IllegalArgumentException("prompt " + i + " has " + prompt.length
                        + " tokens, leaving no room to generate within the context length " + contextLength);
            }
            streams.add(root.split());
            generated.add(new int[0]);
            limits[i] = Math.min(settings.maxNewTokens(), contextLength - prompt.length);
        }
        SamplingSession session = engine.startSampling(prompts);
        while (true) {
            int[] active = IntStream.range(0, prompts.size()).filter(i -> !finished[i]).toArray();
            if (active.length == 0) {
                return generated;
            }
            double[][] nextLogProbs = session.nextTokenLogProbs(active); // [active][V]
            for (int k = 0; k < active.length; k++) {
                int i = active[k];
                int token = settings.temperature() == 0.0
                        ? argmax(nextLogProbs[k])
                        : draw(nextLogProbs[k], settings.temperature(), streams.get(i).nextDouble());
                session.append(i, token);
                generated.set(i, append(generated.get(i), token));
                boolean stop = settings.stopAtEndOfText() && token == settings.endOfText();
                if (stop || generated.get(i).length >= limits[i]) {
                    finished[i] = true;
                }
            }
        }
    }

    /** The index of the largest entry; the lowest index wins ties. */
    static int argmax(double[] logProbs) {
        int best = 0;
        for (int v = 1; v < logProbs.length; v++) {
            if (logProbs[v] > logProbs[best]) {
                best = v;
            }
        }
        return best;
    }

    /**
     * Inverse-CDF draw from p_v ∝ exp(logProbs[v]/τ), normalised stably (max subtracted).
     *
     * @param uniform a number in [0, 1)
     */
    static int draw(double[] logProbs, double temperature, double uniform) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logProb : logProbs) {
            max = Math.max(max, logProb / temperature);
        }
        double[] weights = new double[logProbs.length];
        double total = 0;
        for (int v = 0; v < logProbs.length; v++) {
            weights[v] = Math.exp(logProbs[v] / temperature - max);
            total += weights[v];
        }
        double threshold = uniform * total;
        double cumulative = 0;
        for (int v = 0; v < weights.length; v++) {
            cumulative += weights[v];
            if (threshold < cumulative) {
                return v;
            }
        }
        // Rounding can leave threshold == total; return the last token with non-zero weight.
        for (int v = weights.length - 1; v >= 0; v--) {
            if (weights[v] > 0) {
                return v;
            }
        }
        throw new IllegalStateException("no token has positive probability");
    }

    private static int[] append(int[] sequence, int token) {
        int[] longer = Arrays.copyOf(sequence, sequence.length + 1);
        longer[sequence.length] = token;
        return longer;
    }
}

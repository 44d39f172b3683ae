package prefdyn.reference.sampling;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.Parallel;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplerTest {

    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 8, false, false);

    @Test
    void inverseCdfDrawKnownAnswers() {
        double[] logProbs = {Math.log(0.5), Math.log(0.25), Math.log(0.25)};
        assertThat(Sampler.draw(logProbs, 1.0, 0.0)).isEqualTo(0);
        assertThat(Sampler.draw(logProbs, 1.0, 0.49)).isEqualTo(0);
        assertThat(Sampler.draw(logProbs, 1.0, 0.51)).isEqualTo(1);
        assertThat(Sampler.draw(logProbs, 1.0, 0.76)).isEqualTo(2);
        assertThat(Sampler.draw(logProbs, 1.0, 0.999999)).isEqualTo(2);
        // temperature 0.5 squares the odds: p ∝ (0.25, 0.0625, 0.0625) = (2/3, 1/6, 1/6)
        assertThat(Sampler.draw(logProbs, 0.5, 0.66)).isEqualTo(0);
        assertThat(Sampler.draw(logProbs, 0.5, 0.68)).isEqualTo(1);
        assertThat(Sampler.argmax(new double[] {-2, -1, -1, -3})).isEqualTo(1);
    }

    @Test
    void sameSeedSameSamplesWhateverTheBatchAndThreads() {
        ReferenceEngine sequential = ReferenceEngine.initialized(CONFIG, 5, Parallel.sequential());
        List<int[]> prompts = List.of(ByteTokenizer.encode("a"), ByteTokenizer.encode("bcd"), ByteTokenizer.encode("ef"));
        SamplingSettings settings = SamplingSettings.sampled(1.0, 6);

        List<int[]> first = Sampler.generate(sequential, prompts, settings, 99);
        List<int[]> again = Sampler.generate(sequential, prompts, settings, 99);
        try (Parallel twoThreads = new Parallel(2)) {
            ReferenceEngine parallel = ReferenceEngine.initialized(CONFIG, 5, twoThreads);
            List<int[]> threaded = Sampler.generate(parallel, prompts, settings, 99);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(threaded.get(i)).containsExactly(first.get(i));
            }
        }
        List<int[]> otherSeed = Sampler.generate(sequential, prompts, settings, 100);

        for (int i = 0; i < prompts.size(); i++) {
            assertThat(again.get(i)).containsExactly(first.get(i));
            assertThat(first.get(i).length).isBetween(1, 6);
        }
        boolean anyDifferent = false;
        for (int i = 0; i < prompts.size(); i++) {
            anyDifferent |= !java.util.Arrays.equals(otherSeed.get(i), first.get(i));
        }
        assertThat(anyDifferent).as("another seed changes at least one continuation").isTrue();
    }

    /**
     * The same engine with {@link PolicyEngine#startSampling} left at its default: it samples by recomputing every
     * prefix ({@code RecomputingSession}) through the reference's {@code nextTokenLogProbs}, as the sampler did
     * before the reference had a KV cache. (A proxy passes every other call to the reference unchanged.)
     */
    private static PolicyEngine recomputing(PolicyEngine engine) {
        return (PolicyEngine) Proxy.newProxyInstance(PolicyEngine.class.getClassLoader(),
                new Class<?>[]{PolicyEngine.class}, (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void theKvCachedSessionGivesTheRecomputedContinuationsToTheBit() {
        // end-of-text made likely enough that some rows stop early while others run to the token or context limit
        ReferenceEngine engine = ReferenceEngine.initialized(CONFIG, 8, Parallel.sequential());
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        int wte = engine.layout().offset("wte.weight");
        int lnfBias = engine.layout().offset("ln_f.bias");
        for (int c = 0; c < CONFIG.channels(); c++) {
            params[lnfBias + c] = 2.5 * params[wte + ByteTokenizer.END_OF_TEXT * CONFIG.channels() + c];
        }
        engine.setParameters(params);
        PolicyEngine recomputing = recomputing(engine);
        assertThat(engine.startSampling(List.of(new int[]{1})).getClass().getSimpleName()).isEqualTo("KvCachedSession");
        assertThat(recomputing.startSampling(List.of(new int[]{1}))).isInstanceOf(RecomputingSession.class);
        List<int[]> prompts = List.of(ByteTokenizer.encode("a"), ByteTokenizer.encode("the cat"),
                ByteTokenizer.encode("xy"), ByteTokenizer.encode("0123456789abc"), ByteTokenizer.encode("q"));

        int stoppedEarly = 0;
        int ranToTheLimit = 0;
        for (SamplingSettings settings : List.of(SamplingSettings.sampled(1.0, 12), SamplingSettings.sampled(0.7, 5),
                SamplingSettings.greedy(12))) {
            for (long seed = 1; seed <= 4; seed++) {
                List<int[]> cached = Sampler.generate(engine, prompts, settings, seed);
                List<int[]> recomputed = Sampler.generate(recomputing, prompts, settings, seed);
                for (int i = 0; i < prompts.size(); i++) {
                    assertThat(cached.get(i)).as("prompt %d, seed %d, %s", i, seed, settings)
                            .containsExactly(recomputed.get(i));
                    int[] response = cached.get(i);
                    boolean stopped = response[response.length - 1] == ByteTokenizer.END_OF_TEXT;
                    stoppedEarly += stopped && response.length < 5 ? 1 : 0;
                    ranToTheLimit += stopped ? 0 : 1;
                }
            }
        }
        assertThat(stoppedEarly).as("rows that stopped at end-of-text early").isPositive();
        assertThat(ranToTheLimit).as("rows that ran to their token or context limit").isPositive();
    }

    @Test
    void greedyFollowsTheArgmaxAndStopsAtEndOfText() {
        ReferenceEngine engine = ReferenceEngine.initialized(CONFIG, 5, Parallel.sequential());
        // make end-of-text overwhelmingly likely after any prefix: a large ln_f bias along EOT's embedding
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        int wte = engine.layout().offset("wte.weight");
        int lnfBias = engine.layout().offset("ln_f.bias");
        for (int c = 0; c < CONFIG.channels(); c++) {
            params[lnfBias + c] = 50 * params[wte + ByteTokenizer.END_OF_TEXT * CONFIG.channels() + c];
        }
        engine.setParameters(params);

        List<int[]> out = Sampler.generate(engine, List.of(ByteTokenizer.encode("hi")), SamplingSettings.greedy(5), 1);

        assertThat(out.get(0)).containsExactly(ByteTokenizer.END_OF_TEXT);
    }

    @Test
    void respectsTheContextLengthAndRefusesFullPrompts() {
        ReferenceEngine engine = ReferenceEngine.initialized(CONFIG, 5, Parallel.sequential());
        int[] longPrompt = new int[14];
        List<int[]> out = Sampler.generate(engine, List.of(longPrompt), new SamplingSettings(1.0, 10, false), 3);
        assertThat(out.get(0)).hasSize(2);
        assertThatThrownBy(() -> Sampler.generate(engine, List.of(new int[16]), SamplingSettings.greedy(1), 3))
                .hasMessageContaining("prompt 0").hasMessageContaining("context length 16");
        assertThatThrownBy(() -> new SamplingSettings(-1, 3, true)).hasMessageContaining("temperature");
    }
}

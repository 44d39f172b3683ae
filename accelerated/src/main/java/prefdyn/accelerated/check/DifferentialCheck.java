package prefdyn.accelerated.check;

import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.accelerated.kernels.FallbackPolicy;
import prefdyn.accelerated.kernels.KernelExecution;
import prefdyn.accelerated.kernels.OpenClDevices;
import prefdyn.accelerated.kernels.Tolerance;
import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.DpoTrainer;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.dynamics.GradientAlignment;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.RecomputingSession;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.fixtures.RandomParameters;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.train.TrainingSettings;
import prefdyn.reference.util.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The key differential checks of {@code oracle-tests} as a plain {@code main}, for machines with a GPU but without
 * Maven or JUnit (the GPU bundle): the whole model (outputs and every parameter gradient) on the tiny default
 * config and on a small one, the OpenCL twin against its own kernels run as Java float code, six DPO steps with the
 * real trainer, G with its components, and the twin's KV-cached sampling session. Each line prints the measured error and its bound from
 * {@link Tolerances}; the exit status is 1 when any check fails or any kernel did not run on OpenCL.
 *
 * <p>Run: {@code java -cp … prefdyn.accelerated.check.DifferentialCheck}
 */
public final class DifferentialCheck {

    private final List<Comparison> comparisons = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public static void main(String[] args) {
        quietAparapi();
        System.out.println("OpenCL device: " + OpenClDevices.describe(OpenClDevices.best()));
        DifferentialCheck check = new DifferentialCheck();
        try {
            check.run();
        } catch (RuntimeException e) {
            check.problems.add("the checks stopped: " + e);
            e.printStackTrace();
        }
        long failed = check.comparisons.stream().filter(c -> !c.passes()).count();
        System.out.printf("%d comparisons, %d failed; %d other problem(s)%n", check.comparisons.size(), failed,
                check.problems.size());
        check.problems.forEach(problem -> System.out.println("PROBLEM " + problem));
        boolean ok = failed == 0 && check.problems.isEmpty();
        System.out.println(ok ? "DIFFERENTIAL CHECK PASSED" : "DIFFERENTIAL CHECK FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** Aparapi logs translation details as warnings; its level is a system property read when it loads. */
    static void quietAparapi() {
        if (System.getProperty("com.aparapi.logLevel") == null) {
            System.setProperty("com.aparapi.logLevel", "SEVERE");
        }
    }

    private void run() {
        checkModel("tiny default", GptConfig.tinyDefault().withRewardHead(true), 2, 0.05, 7001);
        checkModel("small", new GptConfig(11, 8, 2, 2, 8, true, true), 3, 0.3, 7002);
        checkAgainstJavaFloat(new GptConfig(13, 8, 2, 2, 8, true, false), 7003);
        checkDpoAndG(7004);
        checkCachedSampling(new GptConfig(11, 12, 2, 2, 8, false, false), 7005);
    }

    /**
     * The twin's KV-cached sampling session, step by step until the longest row fills the context, against the reference's session and against the twin's
     * own recomputing session, on three ragged prompts that all ask at every step and append a seeded token. On
     * PoCL the twin's cached and recomputed log-probs are equal to the bit; a GPU's compiler may contract the
     * cached attention differently, which the float32 bound of next-token log-probs covers.
     */
    private void checkCachedSampling(GptConfig config, long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        List<int[]> prompts = List.of(tokens(random, 1, config.vocabSize()), tokens(random, 3, config.vocabSize()),
                tokens(random, 5, config.vocabSize()));
        ReferenceEngine reference = referenceEngine(config, params);
        try (AcceleratedEngine twin = new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST)) {
            SamplingSession expected = reference.startSampling(prompts);
            SamplingSession cached = twin.startSampling(prompts);
            SamplingSession recomputed = new RecomputingSession(twin, prompts);
            int[] rows = {0, 1, 2};
            List<double[]> expectedRows = new ArrayList<>();
            List<double[]> cachedRows = new ArrayList<>();
            List<double[]> recomputedRows = new ArrayList<>();
            int steps = config.contextLength() - 5; // the longest prompt has 5 tokens
            for (int step = 0; step < steps; step++) {
                expectedRows.add(flatten(expected.nextTokenLogProbs(rows)));
                cachedRows.add(flatten(cached.nextTokenLogProbs(rows)));
                recomputedRows.add(flatten(recomputed.nextTokenLogProbs(rows)));
                for (int row : rows) {
                    int token = random.nextInt(config.vocabSize());
                    expected.append(row, token);
                    cached.append(row, token);
                    recomputed.append(row, token);
                }
            }
            double[] cachedAll = concatenate(cachedRows);
            compare("KV-cached sampling: twin vs reference session, " + steps + " steps", concatenate(expectedRows),
                    cachedAll, Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS);
            compare("KV-cached sampling: twin cached vs twin recomputed", concatenate(recomputedRows), cachedAll,
                    OpenClDevices.bestIsGpu() ? Tolerances.MODEL_NEXT_TOKEN_LOG_PROBS : new Tolerance(0, 0));
            requireOpenCl("KV-cached sampling", twin);
        }
    }

    private static double[] concatenate(List<double[]> parts) {
        int length = 0;
        for (double[] part : parts) {
            length += part.length;
        }
        double[] all = new double[length];
        int at = 0;
        for (double[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Outputs of a ragged batch and every parameter tensor's gradient. */
    private void checkModel(String label, GptConfig config, int batchSize, double noise, long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, noise);
        TokenBatch batch = RandomBatches.paddedBatch(random, config.vocabSize(), batchSize, config.contextLength());
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        ReferenceEngine reference = referenceEngine(config, params);
        try (AcceleratedEngine twin = new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST)) {
            ForwardResult expected = reference.forward(batch);
            ForwardResult actual = twin.forward(batch);
            compare(label + ": tokenLogProbs", flatten(expected.tokenLogProbs()), flatten(actual.tokenLogProbs()),
                    Tolerances.MODEL_LOG_PROBS);
            compare(label + ": entropies", flatten(expected.entropies()), flatten(actual.entropies()),
                    Tolerances.MODEL_ENTROPIES);
            compare(label + ": maxProbs", flatten(expected.maxProbs()), flatten(actual.maxProbs()),
                    Tolerances.MODEL_MAX_PROBS);
            compare(label + ": values", flatten(expected.values()), flatten(actual.values()), Tolerances.MODEL_VALUES);
            compare(label + ": rewards", flatten(expected.rewards()), flatten(actual.rewards()),
                    Tolerances.MODEL_REWARDS);
            reference.zeroGradients();
            twin.zeroGradients();
            reference.backward(seeds);
            twin.backward(seeds);
            compareGradients(label + ": gradient", reference, twin);
            requireOpenCl(label, twin);
        }
    }

    /** What the device adds beyond float32 rounding: the same kernels as Java float code (0 on PoCL). */
    private void checkAgainstJavaFloat(GptConfig config, long seed) {
        Random random = new Random(seed);
        double[] params = RandomParameters.initializedWithNoise(config, seed, 0.3);
        TokenBatch batch = RandomBatches.paddedBatch(random, config.vocabSize(), 3, config.contextLength());
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);
        try (AcceleratedEngine twin = new AcceleratedEngine(config, params, FallbackPolicy.FAIL_FAST);
             AcceleratedEngine javaFloat = AcceleratedEngine.onJavaThreads(config, params)) {
            compare("OpenCL vs Java float: tokenLogProbs", flatten(javaFloat.forward(batch).tokenLogProbs()),
                    flatten(twin.forward(batch).tokenLogProbs()), Tolerances.OPENCL_VS_JAVA_FLOAT);
            javaFloat.zeroGradients();
            twin.zeroGradients();
            javaFloat.backward(seeds);
            twin.backward(seeds);
            compare("OpenCL vs Java float: gradient", gradient(javaFloat), gradient(twin),
                    Tolerances.OPENCL_VS_JAVA_FLOAT);
            requireOpenCl("OpenCL vs Java float", twin);
        }
    }

    /** Six DPO steps on both engines, then G and its components at the end. */
    private void checkDpoAndG(long seed) {
        GptConfig config = new GptConfig(13, 10, 2, 2, 8, false, false);
        Random random = new Random(seed);
        List<PreferenceExample> pairs = randomPairs(random, 9, config.vocabSize(), config.contextLength());
        List<PromptResponse> targets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            targets.add(pairs.get(i).chosenSequence());
        }
        double[] policyParams = RandomParameters.initializedWithNoise(config, seed, 0.2);
        double[] referenceParams = RandomParameters.initializedWithNoise(config, seed + 1, 0.2);
        TrainingSettings training = TrainingSettings.of(3, 3e-3, 12);
        DpoSettings dpo = DpoSettings.standard(0.5, 6);
        ReferenceEngine reference = referenceEngine(config, policyParams);
        DpoTrainer referenceTrainer = DpoTrainer.withReferenceModel(reference, referenceEngine(config, referenceParams),
                pairs, dpo, training);
        try (AcceleratedEngine twin = new AcceleratedEngine(config, policyParams, FallbackPolicy.FAIL_FAST);
             AcceleratedEngine frozen = new AcceleratedEngine(config, referenceParams, FallbackPolicy.FAIL_FAST)) {
            DpoTrainer twinTrainer = DpoTrainer.withReferenceModel(twin, frozen, pairs, dpo, training);
            List<Map<String, Object>> expected = new ArrayList<>();
            List<Map<String, Object>> actual = new ArrayList<>();
            for (int step = 0; step < 6; step++) {
                expected.add(referenceTrainer.step());
                actual.add(twinTrainer.step());
            }
            for (String metric : List.of("loss", "rewards/margins", "logps/chosen", "grad_norm")) {
                compare("dpo: " + metric + " over 6 steps",
                        expected.stream().mapToDouble(m -> (double) m.get(metric)).toArray(),
                        actual.stream().mapToDouble(m -> (double) m.get(metric)).toArray(), Tolerances.DPO_METRICS);
            }
            double[] expectedParams = new double[reference.layout().size()];
            double[] actualParams = new double[expectedParams.length];
            reference.copyParametersTo(expectedParams);
            twin.copyParametersTo(actualParams);
            compare("dpo: parameters after 6 steps", expectedParams, actualParams, Tolerances.DPO_PARAMETERS);

            double[] referenceTarget = GradientAlignment.targetGradient(reference, targets,
                    GradientAlignment.TargetAverage.PER_SEQUENCE, 3).gradient();
            double[] twinTarget = GradientAlignment.targetGradient(twin, targets,
                    GradientAlignment.TargetAverage.PER_SEQUENCE, 3).gradient();
            compare("G: target gradient g′", referenceTarget, twinTarget, Tolerances.MODEL_GRADIENTS);
            Map<String, Double> expectedG = GradientAlignment.measure(reference, referenceTarget,
                    referenceTrainer.componentSeeds());
            Map<String, Double> actualG = GradientAlignment.measure(twin, twinTarget, twinTrainer.componentSeeds());
            List<String> names = expectedG.keySet().stream()
                    .filter(name -> name.startsWith("G/") && !name.startsWith("G/cosine/")).toList();
            compare("G: G/total, positive, negative, tertiles, groups",
                    names.stream().mapToDouble(expectedG::get).toArray(),
                    names.stream().mapToDouble(actualG::get).toArray(), Tolerances.G);
            requireOpenCl("dpo and G", twin);
            requireOpenCl("dpo reference model", frozen);
        }
    }

    private void compare(String quantity, double[] reference, double[] twin, Tolerance tolerance) {
        Comparison comparison = Comparison.of(quantity, reference, twin, tolerance);
        comparisons.add(comparison);
        System.out.println((comparison.passes() ? "ok   " : "FAIL ") + comparison);
    }

    private void compareGradients(String quantity, PolicyEngine reference, PolicyEngine twin) {
        double[] expected = gradient(reference);
        double[] actual = gradient(twin);
        double worstShare = -1;
        Comparison worst = null;
        for (var view : reference.layout().tensors()) {
            Comparison c = Comparison.of(quantity + " " + view.name(), Arrays.copyOfRange(expected, view.offset(),
                    view.end()), Arrays.copyOfRange(actual, view.offset(), view.end()), Tolerances.MODEL_GRADIENTS);
            double share = c.maxError() / Math.max(c.tolerance().bound(c.scale()), Double.MIN_NORMAL);
            if (!c.passes() || share > worstShare) {
                if (!c.passes()) {
                    comparisons.add(c);
                    System.out.println("FAIL " + c);
                }
                if (share > worstShare) {
                    worstShare = share;
                    worst = c;
                }
            }
        }
        if (worst != null && worst.passes()) {
            comparisons.add(worst);
            System.out.println("ok   (worst tensor) " + worst);
        }
    }

    private void requireOpenCl(String label, AcceleratedEngine twin) {
        if (!twin.kernelsRunOnOpenCl()) {
            problems.add(label + ": not every kernel ran on OpenCL: " + twin.kernelExecutions());
            return;
        }
        long launches = twin.kernelExecutions().stream().mapToLong(KernelExecution::launches).sum();
        System.out.println("ok   " + label + ": " + twin.kernelExecutions().size() + " kernels, " + launches
                + " launches, all on " + twin.deviceDescription());
    }

    private static double[] gradient(PolicyEngine engine) {
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        return gradient;
    }

    private static ReferenceEngine referenceEngine(GptConfig config, double[] params) {
        ReferenceEngine engine = new ReferenceEngine(new GptModel(config, Parallel.sequential()));
        engine.setParameters(params);
        return engine;
    }

    /** Random preference pairs with distinct chosen and rejected responses, prompt + response ≤ maxLength. */
    public static List<PreferenceExample> randomPairs(Random random, int count, int vocab, int maxLength) {
        List<PreferenceExample> pairs = new ArrayList<>();
        while (pairs.size() < count) {
            int promptLength = 1 + random.nextInt(maxLength / 2);
            int room = maxLength - promptLength;
            int[] chosen = tokens(random, 1 + random.nextInt(room), vocab);
            int[] rejected = tokens(random, 1 + random.nextInt(room), vocab);
            if (!Arrays.equals(chosen, rejected)) {
                pairs.add(new PreferenceExample(tokens(random, promptLength, vocab), chosen, rejected));
            }
        }
        return pairs;
    }

    private static int[] tokens(Random random, int length, int vocab) {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return tokens;
    }

    private static double[] flatten(double[][] rows) {
        return rows == null ? new double[0] : Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }
}

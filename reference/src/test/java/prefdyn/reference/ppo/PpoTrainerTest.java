package prefdyn.reference.ppo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.dynamics.ComponentSeeds;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.NonFiniteValueException;
import prefdyn.reference.optim.GradientClipping;
import prefdyn.reference.train.OneBackwardPassChecks;
import prefdyn.reference.train.StepRecordingEngine;
import prefdyn.reference.train.TrainingLoop;
import prefdyn.reference.util.JsonFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PpoTrainerTest {

    /** A 32-token vocabulary keeps every step cheap; end-of-text (256) is never sampled, so responses are full. */
    private static final GptConfig CONFIG = new GptConfig(32, 12, 1, 2, 8, false, false);
    private static final List<int[]> PROMPTS = List.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 5, 6},
            new int[] {7}, new int[] {8, 9}, new int[] {10, 11, 12, 13});
    /** Reward: the number of even tokens in the response. */
    private static final RewardFunction EVEN_TOKENS = sequences -> sequences.stream()
            .mapToDouble(s -> java.util.Arrays.stream(s.response()).filter(token -> token % 2 == 0).count())
            .toArray();

    private static PpoConfig.Builder config() {
        return PpoConfig.builder().batchSize(4).numMiniBatches(2).numPpoEpochs(2).responseLength(3)
                .learningRate(1e-2).seed(5);
    }

    private static PpoTrainer trainer(PpoConfig config, RewardFunction reward) {
        return new PpoTrainer(PpoFixtures.engine(CONFIG, 1), PpoFixtures.engine(CONFIG, 1),
                PpoFixtures.engine(CONFIG.withValueHead(true), 2), reward, PROMPTS, config);
    }

    private static double[] parameters(ReferenceEngine engine) {
        double[] params = new double[engine.layout().size()];
        engine.copyParametersTo(params);
        return params;
    }

    @Test
    void twoRunsWithTheSameSeedGiveBitIdenticalParameters() {
        PpoConfig config = config().build();
        PpoTrainer first = trainer(config, EVEN_TOKENS);
        PpoTrainer second = trainer(config, EVEN_TOKENS);
        for (int step = 0; step < 3; step++) {
            assertThat(second.step()).isEqualTo(first.step());
        }
        assertThat(parameters((ReferenceEngine) second.policy())).containsExactly(parameters((ReferenceEngine) first.policy()));
        assertThat(parameters((ReferenceEngine) second.valueModel()))
                .containsExactly(parameters((ReferenceEngine) first.valueModel()));
        assertThat(parameters((ReferenceEngine) first.reference()))
                .as("the reference is never stepped").containsExactly(parameters(PpoFixtures.engine(CONFIG, 1)));

        PpoTrainer otherSeed = trainer(config().seed(6).build(), EVEN_TOKENS);
        for (int step = 0; step < 3; step++) {
            otherSeed.step();
        }
        assertThat(parameters((ReferenceEngine) otherSeed.policy()))
                .isNotEqualTo(parameters((ReferenceEngine) first.policy()));
    }

    /**
     * With one epoch of one minibatch the only update happens at θ_old: ρ = 1 exactly, nothing is clipped, and the
     * logged positive/negative gradient norms are those of {@link PpoTrainer#componentSeeds}' parts.
     */
    @Test
    void aSingleMinibatchUpdateIsAtRatioOneAndMatchesTheComponentSeeds() {
        PpoTrainer trainer = trainer(config().numPpoEpochs(1).numMiniBatches(1).componentNorms(true).build(),
                EVEN_TOKENS);
        double[] before = parameters((ReferenceEngine) trainer.policy());
        ComponentSeeds seeds = trainer.componentSeeds();
        assertThat(parameters((ReferenceEngine) trainer.policy())).containsExactly(before);
        assertThat(trainer.currentStep()).isEqualTo(0);
        double positiveNorm = normOf(trainer, seeds.positive());
        double negativeNorm = normOf(trainer, seeds.negative());

        Map<String, Object> metrics = trainer.step();
        assertThat(metrics.get("val/ratio")).isEqualTo(1.0);
        assertThat(metrics.get("policy/approxkl")).isEqualTo(0.0);
        assertThat(metrics.get("policy/clipfrac")).isEqualTo(0.0);
        assertThat((double) metrics.get("loss/policy")).isCloseTo(0.0, within(1e-15));   // −mean(whitened Â)
        assertThat((double) metrics.get("grad_norm/positive")).isCloseTo(positiveNorm, within(1e-12 * positiveNorm));
        assertThat((double) metrics.get("grad_norm/negative")).isCloseTo(negativeNorm, within(1e-12 * negativeNorm));
        assertThat(positiveNorm).isGreaterThan(0.0);
        assertThat(negativeNorm).isGreaterThan(0.0);
    }

    private static double normOf(PpoTrainer trainer, prefdyn.reference.engine.BackwardSeeds seeds) {
        trainer.policy().zeroGradients();
        trainer.policy().backward(seeds);
        double[] gradient = new double[trainer.policy().layout().size()];
        trainer.policy().copyGradientsTo(gradient);
        trainer.policy().zeroGradients();
        return GradientClipping.globalNorm(gradient);
    }

    /** componentSeeds() changes nothing: a trainer that measured before each step ends bit-identical. */
    @Test
    void componentSeedsSplitExactlyAndLeaveTheRunUnchanged() {
        PpoConfig config = config().build();
        PpoTrainer measured = trainer(config, EVEN_TOKENS);
        PpoTrainer plain = trainer(config, EVEN_TOKENS);
        for (int step = 0; step < 2; step++) {
            ComponentSeeds seeds = measured.componentSeeds();
            double[][] total = seeds.total().tokenLogProbs();
            for (int b = 0; b < total.length; b++) {
                for (int t = 0; t < total[b].length; t++) {
                    assertThat(seeds.positive().tokenLogProbs()[b][t] + seeds.negative().tokenLogProbs()[b][t])
                            .isEqualTo(total[b][t]);
                    assertThat(seeds.tertiles()[0].tokenLogProbs()[b][t] + seeds.tertiles()[1].tokenLogProbs()[b][t]
                            + seeds.tertiles()[2].tokenLogProbs()[b][t]).isEqualTo(total[b][t]);
                }
            }
            assertThat(seeds.statistics()).containsKeys("loss/policy", "ppo/positive_token_fraction");
            assertThat(measured.step()).isEqualTo(plain.step());
        }
        assertThat(parameters((ReferenceEngine) measured.policy()))
                .containsExactly(parameters((ReferenceEngine) plain.policy()));
    }

    @Test
    void trainingLoopWritesTrlMetricNamesPerStep(@TempDir Path run) throws Exception {
        PpoTrainer trainer = trainer(config().build(), EVEN_TOKENS);
        TrainingLoop.run(trainer, 2, run, 0, null);
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(2);
        for (int step = 0; step < 2; step++) {
            Map<String, Object> line = JsonFiles.parseObject(lines.get(step));
            assertThat(line.get("step")).isEqualTo((long) step);
            assertThat(line).containsKeys("objective/kl", "objective/kl3", "objective/entropy", "objective/scores",
                    "objective/rlhf_reward", "objective/non_score_reward", "policy/approxkl", "policy/clipfrac",
                    "loss/policy", "loss/value", "val/ratio", "val/clipfrac", "ppo/positive_token_fraction",
                    "grad_norm", "ppo/kl_coef");
            assertThat(line).as("one backward pass per update: no component norms")
                    .doesNotContainKeys(OneBackwardPassChecks.COMPONENT_KEYS);
            assertThat((double) line.get("objective/kl3")).isGreaterThanOrEqualTo(0.0);
            assertThat((double) line.get("objective/rlhf_reward")).isCloseTo(
                    (double) line.get("objective/scores") + (double) line.get("objective/non_score_reward"),
                    within(1e-12));
        }
    }

    /** Ziegler's controller after one step: β ← β·(1 + clip(KL/target − 1, ±0.2)·B/horizon), KL = objective/kl. */
    @Test
    void adaptiveKlCoefficientFollowsTheStepsKl() {
        PpoTrainer trainer = trainer(config().adaptiveKl(true).klCoef(0.2).klTarget(0.01).klHorizon(100).build(),
                EVEN_TOKENS);
        Map<String, Object> first = trainer.step();
        double kl = (double) first.get("objective/kl");
        assertThat(first.get("ppo/kl_coef")).isEqualTo(0.2);
        double error = Math.max(-0.2, Math.min(0.2, kl / 0.01 - 1));
        double afterFirst = trainer.klController().coefficient();
        assertThat(afterFirst).isCloseTo(0.2 * (1 + error * 4 / 100.0), within(1e-15));
        assertThat(afterFirst).isNotEqualTo(0.2);
        assertThat(trainer.step().get("ppo/kl_coef")).isEqualTo(afterFirst);
    }

    @Test
    void variantsReachTheTrainer() {
        PpoTrainer controlled = trainer(config().objective(PpoObjective.controlled(ControlSchedule.defaults()))
                .totalSteps(3).build(), EVEN_TOKENS);
        assertThat(controlled.step().get("ppo/lambda_positive")).isEqualTo(1.5);
        assertThat((double) controlled.step().get("ppo/lambda_positive")).isCloseTo(1.0, within(1e-15));
        Map<String, Object> last = controlled.step();
        assertThat((double) last.get("ppo/lambda_positive")).isCloseTo(0.5, within(1e-15));
        assertThat((double) last.get("ppo/lambda_negative")).isCloseTo(1.5, within(1e-15));

        Map<String, Object> positiveOnly = trainer(config().objective(PpoObjective.positiveOnly()).componentNorms(true)
                .build(), EVEN_TOKENS).step();
        assertThat(positiveOnly.get("grad_norm/negative")).isEqualTo(0.0);
        assertThat((double) positiveOnly.get("grad_norm/positive")).isGreaterThan(0.0);
        Map<String, Object> negativeOnly = trainer(config().objective(PpoObjective.negativeOnly()).componentNorms(true)
                .build(), EVEN_TOKENS).step();
        assertThat(negativeOnly.get("grad_norm/positive")).isEqualTo(0.0);
        assertThat((double) negativeOnly.get("grad_norm/negative")).isGreaterThan(0.0);
    }

    /** A NaN score at step 1 names the step and the sequence; the loop writes no line for it. */
    @Test
    void aNonFiniteRewardNamesTheStepAndTheSequence(@TempDir Path run) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RewardFunction nanOnSecondCall = sequences -> {
            double[] scores = EVEN_TOKENS.score(sequences);
            if (calls.incrementAndGet() == 2) {
                scores[2] = Double.NaN;
            }
            return scores;
        };
        PpoTrainer trainer = trainer(config().build(), nanOnSecondCall);
        assertThatThrownBy(() -> TrainingLoop.run(trainer, 3, run, 0, null))
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("PPO step 1")
                .hasMessageContaining("sequence 2")
                .satisfies(e -> assertThat(((NonFiniteValueException) e).sequence()).isEqualTo(2));
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(1);
    }

    /** Scores of Double.MAX_VALUE overflow the whitening's mean: the error names the step and the advantages. */
    @Test
    void aNonFiniteAdvantageNamesTheStep() {
        PpoTrainer trainer = trainer(config().build(), sequences -> {
            double[] scores = new double[sequences.size()];
            java.util.Arrays.fill(scores, Double.MAX_VALUE);
            return scores;
        });
        assertThatThrownBy(trainer::step)
                .isInstanceOf(NonFiniteValueException.class)
                .hasMessageContaining("PPO step 0, advantages, sequence 0")
                .hasMessageContaining("non-finite whitened advantage");
        assertThat(trainer.currentStep()).isEqualTo(0);
    }

    @Test
    void badInputGivesClearErrors() {
        assertThatThrownBy(() -> config().cliprange(0).build()).hasMessageContaining("cliprange (ε) must be finite and > 0");
        assertThatThrownBy(() -> config().cliprangeValue(-0.1).build()).hasMessageContaining("cliprangeValue");
        assertThatThrownBy(() -> config().batchSize(6).numMiniBatches(4).build())
                .hasMessageContaining("batchSize 6 is not divisible by numMiniBatches 4");
        assertThatThrownBy(() -> config().batchSize(1).numMiniBatches(1).build()).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> config().temperature(0.7).build()).hasMessageContaining("temperature must be 1.0");
        assertThatThrownBy(() -> config().gamma(1.5).build()).hasMessageContaining("gamma must be in [0, 1]");
        assertThatThrownBy(() -> config().numPpoEpochs(0).build()).hasMessageContaining("numPpoEpochs");

        PpoConfig config = config().build();
        ReferenceEngine policy = PpoFixtures.engine(CONFIG, 1);
        ReferenceEngine critic = PpoFixtures.engine(CONFIG.withValueHead(true), 2);
        assertThatThrownBy(() -> new PpoTrainer(policy, policy, critic, EVEN_TOKENS, PROMPTS, config))
                .hasMessageContaining("reference model is the policy object itself");
        ReferenceEngine reference = PpoFixtures.engine(CONFIG, 1);
        assertThatThrownBy(() -> new PpoTrainer(policy, reference, critic, EVEN_TOKENS, List.of(), config))
                .hasMessageContaining("prompt dataset is empty");
        assertThatThrownBy(() -> new PpoTrainer(policy, reference, critic, EVEN_TOKENS,
                List.of(new int[] {1}, new int[0]), config)).hasMessageContaining("prompt 1 of the dataset is empty");
        assertThatThrownBy(() -> new PpoTrainer(policy, reference, critic, EVEN_TOKENS,
                List.of(new int[12]), config)).hasMessageContaining("no room for a response");
    }

    /**
     * One backward pass of the summed seeds per minibatch (the default) against the two passes of
     * {@link PpoConfig#componentNorms}: one policy backward per update instead of two (2 epochs × 2 minibatches = 4
     * updates a step); the first update's gradient (both at θ(0)) equal up to rounding; the metrics of each of three
     * steps equal to 1e-12 relative; the parameters after them equal to {@link #ONE_PASS_PARAMETERS}, while each run
     * has moved them by more than a thousand times that.
     */
    @Test
    void oneBackwardPassPerUpdateGivesTheTwoPassStepUpToRounding() {
        StepRecordingEngine one = new StepRecordingEngine(PpoFixtures.engine(CONFIG, 1));
        StepRecordingEngine two = new StepRecordingEngine(PpoFixtures.engine(CONFIG, 1));
        double[] start = OneBackwardPassChecks.parameters(one);
        PpoConfig config = config().build();
        assertThat(config.componentNorms()).as("one backward pass is the default").isFalse();
        PpoTrainer single = new PpoTrainer(one, PpoFixtures.engine(CONFIG, 1),
                PpoFixtures.engine(CONFIG.withValueHead(true), 2), EVEN_TOKENS, PROMPTS, config);
        PpoTrainer split = new PpoTrainer(two, PpoFixtures.engine(CONFIG, 1),
                PpoFixtures.engine(CONFIG.withValueHead(true), 2), EVEN_TOKENS, PROMPTS,
                config.toBuilder().componentNorms(true).build());
        for (int step = 0; step < 3; step++) {
            Map<String, Object> onePass = single.step();
            Map<String, Object> twoPasses = split.step();
            assertThat(one.backwardCalls()).isEqualTo(4 * (step + 1));
            assertThat(two.backwardCalls()).isEqualTo(8 * (step + 1));
            OneBackwardPassChecks.assertSameMetrics(onePass, twoPasses, 1e-12, "step " + step);
        }
        double[] first = one.gradients().get(0);
        double gradientScale = java.util.Arrays.stream(first).map(Math::abs).max().orElseThrow();
        assertThat(gradientScale).isGreaterThan(1e-3);
        assertThat(OneBackwardPassChecks.maxAbsDifference(two.gradients().get(0), first))
                .isLessThanOrEqualTo(1e-14 * gradientScale);
        double[] onePassEnd = OneBackwardPassChecks.parameters(one);
        double[] twoPassEnd = OneBackwardPassChecks.parameters(two);
        double difference = OneBackwardPassChecks.maxAbsDifference(onePassEnd, twoPassEnd);
        assertThat(difference).isLessThanOrEqualTo(ONE_PASS_PARAMETERS);
        assertThat(OneBackwardPassChecks.maxAbsDifference(onePassEnd, start)).isGreaterThan(1e3 * ONE_PASS_PARAMETERS);
        assertThat(OneBackwardPassChecks.maxAbsDifference(twoPassEnd, start)).isGreaterThan(1e3 * ONE_PASS_PARAMETERS);
    }

    /**
     * The most two runs' policy parameters may differ after three PPO steps (12 AdamW updates at lr 1e-2) that
     * differ only in rounding (measured: 5e-14).
     */
    private static final double ONE_PASS_PARAMETERS = 1e-12;
}

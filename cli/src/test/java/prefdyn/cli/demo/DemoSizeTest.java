package prefdyn.cli.demo;

import org.junit.jupiter.api.Test;
import prefdyn.cli.base.UserError;
import prefdyn.cli.run.RunConfig;
import prefdyn.cli.task.ImdbTask;
import prefdyn.datasets.PairRules;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The size presets without training: {@code study} is the default's experiment with longer runs, bigger batches and
 * at least 20 G intervals in every run type, and its config.json sizes block names it.
 */
class DemoSizeTest {

    private static DemoRuns.Request request(DemoSize sizes, List<String> runs) {
        return new DemoRuns.Request(Path.of("never-written"), false, false, sizes, 3, sizes.startModel(), runs, 1,
                "vector", DemoRuns.Passes.defaults(), PairRules.trl(), "test");
    }

    @Test
    void gPointsCountTheMeasuredStepsAndTheFinalOne() {
        // t = 0, 4, ..., 36 and T = 40: 11; t = 0, 2, ..., 18 and 20: 11; t = 0, 3, 6, 9 and 12: 5.
        assertThat(DemoSize.DEFAULT.dpo().gPoints()).isEqualTo(11);
        assertThat(DemoSize.DEFAULT.ppo().gPoints()).isEqualTo(11);
        assertThat(DemoSize.DEFAULT.group().steps().gPoints()).isEqualTo(5);
        // T not a multiple of k: t = 0, 2, 4 and T = 5.
        assertThat(new DemoSize.Steps(5, 1, 1e-3, 2).gPoints()).isEqualTo(4);
    }

    @Test
    void studyParsesAndEveryRunTypeMeasuresGAtLeastTwentyOneTimes() {
        DemoSize study = DemoSize.of("study");
        assertThat(study).isSameAs(DemoSize.STUDY);
        assertThat(study.name()).isEqualTo("study");
        DemoRuns.Request request = request(study, List.of("dpo/standard", "ppo/standard", "grpo/standard",
                "rloo/standard"));
        for (String run : request.runs()) {
            RunConfig config = DemoRuns.config(request, run);
            int steps = config.steps().steps();
            int every = config.measurement().measureEvery();
            assertThat(steps / every).as(run + ": steps / k").isGreaterThanOrEqualTo(20);
            assertThat(steps % every).as(run + ": k divides T").isZero();
        }
        for (DemoSize.Steps steps : List.of(study.dpo(), study.ppo(), study.group().steps())) {
            assertThat(steps.gPoints()).isGreaterThanOrEqualTo(21);
        }
    }

    @Test
    void studyIsTheDefaultsExperimentWithLongerRunsAndBiggerBatches() {
        DemoSize study = DemoSize.STUDY;
        DemoSize base = DemoSize.DEFAULT;
        assertThat(study.startModel()).isEqualTo("committed-start").isEqualTo(base.startModel());
        // DPO's pairs are on-policy, at most one per training prompt, and the runs visit no more pairs than there
        // are prompts (one pass), so that the loss does not saturate on pairs seen before.
        assertThat(study.pairs().source()).isEqualTo(DemoSize.Source.ON_POLICY);
        assertThat(study.pairs().candidates()).isGreaterThanOrEqualTo(2);
        assertThat(study.dpo().steps() * study.dpo().batch()).isLessThanOrEqualTo(study.pairs().trainPrompts());
        assertThat(ImdbTask.get().trainingPrompts(study.pairs().trainPrompts(), 3))
                .hasSize(study.pairs().trainPrompts());
        assertThat(study.beta()).isEqualTo(base.beta());
        assertThat(study.ppoRollout()).isEqualTo(base.ppoRollout());
        assertThat(study.probes()).isEqualTo(base.probes());
        assertThat(study.dpo().steps()).isGreaterThan(base.dpo().steps());
        assertThat(study.dpo().batch()).isGreaterThan(base.dpo().batch());
        assertThat(study.dpo().learningRate()).isEqualTo(base.dpo().learningRate());
        assertThat(study.ppo().steps()).isGreaterThan(base.ppo().steps());
        assertThat(study.ppo().batch()).isGreaterThan(base.ppo().batch());
        assertThat(study.ppo().learningRate()).isEqualTo(base.ppo().learningRate());
        assertThat(study.evaluation().prompts()).isGreaterThanOrEqualTo(base.evaluation().prompts());
        assertThat(study.evaluation().tokens()).isGreaterThanOrEqualTo(base.evaluation().tokens());
        assertThat(study.group().numGenerations()).isEqualTo(base.group().numGenerations());
        // The larger PPO prompt set exists in the committed sample's half A.
        assertThat(ImdbTask.get().trainingPrompts(study.ppoPrompts(), 3)).hasSize(study.ppoPrompts());
    }

    @Test
    void studysConfigJsonSizesBlockNamesIt() {
        Map<String, Object> json = DemoSize.STUDY.toJson();
        assertThat(json).containsEntry("size", "study")
                .containsEntry("DPO steps x pairs per step, lr, beta", "60 x 12, 0.0005, 0.1")
                .containsEntry("PPO steps x prompts per step, epochs x minibatches, lr, KL coef",
                        "40 x 32, 2 x 2, 0.0004, 0.1")
                .containsEntry("PPO prompt set, rollout tokens", "512, 32")
                .containsEntry("GRPO/RLOO steps x completions per step (G per prompt), lr", "40 x 16 (4), 0.0002")
                .containsEntry("G measured every k steps (DPO, PPO, GRPO/RLOO)", "3, 2, 2")
                .containsEntry("win-rate prompts x tokens", "300 x 64");
        assertThat(DemoSize.DEFAULT.toJson()).containsEntry("size", "default");
    }

    @Test
    void anUnknownSizeNamesTheChoices() {
        assertThatThrownBy(() -> DemoSize.of("huge")).isInstanceOf(UserError.class)
                .hasMessage("unknown --size 'huge'; expected default, study or tiny");
    }
}

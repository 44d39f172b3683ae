package prefdyn.cli.demo;

import org.junit.jupiter.api.Test;
import prefdyn.cli.base.UserError;
import prefdyn.cli.run.Objective;
import prefdyn.cli.run.RunConfig;
import prefdyn.datasets.PairRules;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.ppo.PpoObjective;
import prefdyn.reference.ppo.Tertile;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo's (and so {@code reproduce}'s) run list: the group objectives and every DPO-family loss besides sigmoid
 * ("&lt;loss&gt;/standard", e.g. bpo/standard) are runs it accepts, each with the objective and loss its name says.
 */
class DemoRunListTest {

    private static DemoRuns.Request request(List<String> runs) {
        return new DemoRuns.Request(Path.of("never-written"), false, false, DemoSize.of("tiny"), 3, "committed-sft",
                runs, 1, "reference", DemoRuns.Passes.defaults(), PairRules.trl(), "test");
    }

    @Test
    void theGroupObjectivesAndEveryOtherDpoLossAreAccepted() {
        List<String> losses = List.of("hinge/standard", "ipo/standard", "conservative/standard", "robust/standard",
                "simpo/standard", "apo_zero/standard", "nca_pair/standard", "bpo/standard");
        assertThat(DemoRuns.DPO_LOSS_RUNS).containsExactlyElementsOf(losses);
        assertThat(DemoRuns.AVAILABLE).contains("grpo/standard", "rloo/standard").containsAll(losses)
                .containsAll(DemoRuns.PAPER_RUNS);
        assertThat(request(DemoRuns.AVAILABLE).runs()).isEqualTo(DemoRuns.AVAILABLE);
    }

    @Test
    void aLossRunIsADpoRunOfThatLossWithTheDemosBeta() {
        DemoRuns.Request request = request(DemoRuns.AVAILABLE);
        for (DpoLossType type : DpoLossType.values()) {
            String name = type == DpoLossType.SIGMOID ? "dpo/standard" : type.trlName() + "/standard";
            RunConfig config = DemoRuns.config(request, name);
            assertThat(config.objective()).as(name).isEqualTo(Objective.DPO);
            assertThat(config.variant()).as(name).isEqualTo("standard");
            assertThat(config.name()).isEqualTo(name);
            assertThat(config.dpo().lossType()).as(name).isEqualTo(type);
            assertThat(config.dpo().beta()).isEqualTo(request.sizes().beta());
            boolean smoothed = type == DpoLossType.CONSERVATIVE || type == DpoLossType.ROBUST;
            assertThat(config.dpo().labelSmoothing()).as(name).isEqualTo(smoothed ? 0.1 : 0.0);
            assertThat(config.toJson(1)).containsEntry("loss_type", type.trlName());
        }
        assertThat(DemoRuns.config(request, "grpo/standard").objective()).isEqualTo(Objective.GRPO);
        assertThat(DemoRuns.config(request, "rloo/standard").objective()).isEqualTo(Objective.RLOO);
    }

    @Test
    void theSingleTertilePpoRunsTrainOnOneTertileOfTheTokens() {
        DemoRuns.Request request = request(DemoRuns.AVAILABLE);
        for (String tertile : List.of("top", "middle", "bottom")) {
            RunConfig config = DemoRuns.config(request, "ppo/" + tertile + "-tertile");
            assertThat(config.objective()).isEqualTo(Objective.PPO);
            assertThat(config.variant()).isEqualTo(tertile + "-tertile");
            assertThat(config.steps().steps()).isEqualTo(request.sizes().ppo().steps());
            assertThat(Objective.ppoObjective(config.variant())).isEqualTo(PpoObjective.singleTertile(
                    Tertile.valueOf(tertile.toUpperCase(java.util.Locale.ROOT))));
        }
    }

    @Test
    void anUnknownRunIsAOneLineErrorListingTheChoices() {
        for (String run : List.of("bpo/positive-only", "sigmoid/standard", "balanced/standard")) {
            assertThatThrownBy(() -> request(List.of(run))).isInstanceOf(UserError.class)
                    .hasMessageStartingWith("unknown run '" + run + "' in --runs; expected some of dpo/standard")
                    .hasMessageContaining("bpo/standard").hasMessageNotContaining("\n");
        }
    }
}

package prefdyn.cli.run;

import org.junit.jupiter.api.Test;
import prefdyn.cli.base.UserError;
import prefdyn.reference.dpo.DpoLossType;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;
import prefdyn.reference.util.JsonFiles;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DPO loss of a run: label smoothing (conservative, robust) and SimPO's γ reach the reference's settings and
 * config.json, each only for its losses; every loss type by TRL's name.
 */
class DpoLossSettingsTest {

    @Test
    void theConservativeLossCarriesItsLabelSmoothingIntoTheReferenceSettings() {
        DpoSettings settings = new DpoLossSettings(DpoLossType.CONSERVATIVE, 0.2, 0.1).settings("negative-only", 8);
        assertThat(settings.lossType()).isEqualTo(DpoLossType.CONSERVATIVE);
        assertThat(settings.labelSmoothing()).isEqualTo(0.1);
        assertThat(settings.beta()).isEqualTo(0.2);
        assertThat(settings.totalSteps()).isEqualTo(8);
        assertThat(new DpoLossSettings(DpoLossType.HINGE, 0.2).settings("standard", 8).labelSmoothing()).isZero();
    }

    @Test
    void configJsonRecordsLabelSmoothingForTheConservativeLossOnlyAndReadsItBack() {
        RunConfig conservative = config(new DpoLossSettings(DpoLossType.CONSERVATIVE, 0.1, 0.25));
        Map<String, Object> json = JsonFiles.parseObject(JsonFiles.write(conservative.toJson(1)));
        assertThat(json).containsEntry("loss_type", "conservative").containsEntry("label_smoothing", 0.25);
        assertThat(RunConfig.fromJson(json, "config.json")).isEqualTo(conservative);

        RunConfig sigmoid = config(DpoLossSettings.sigmoid(0.1));
        Map<String, Object> plain = JsonFiles.parseObject(JsonFiles.write(sigmoid.toJson(1)));
        assertThat(plain).doesNotContainKey("label_smoothing");
        assertThat(RunConfig.fromJson(plain, "config.json")).isEqualTo(sigmoid);
    }

    @Test
    void labelSmoothingOutOfRangeOrOnAnotherLossIsAOneLineError() {
        assertThatThrownBy(() -> new DpoLossSettings(DpoLossType.CONSERVATIVE, 0.1, 0.5)).isInstanceOf(UserError.class)
                .hasMessage("--label-smoothing must be in [0, 0.5), got 0.5");
        assertThatThrownBy(() -> new DpoLossSettings(DpoLossType.SIGMOID, 0.1, 0.1)).isInstanceOf(UserError.class)
                .hasMessage("--label-smoothing applies to --loss-type conservative or robust only, got 0.1 with sigmoid");
    }

    @Test
    void simpoCarriesItsGammaAndRobustItsLabelSmoothingThroughConfigJson() {
        DpoLossSettings simpo = DpoLossSettings.fromOptions("simpo", 2.0, 0, 0.3);
        assertThat(simpo.settings("standard", 4).simpoGamma()).isEqualTo(0.3);
        RunConfig simpoRun = config(simpo);
        Map<String, Object> json = JsonFiles.parseObject(JsonFiles.write(simpoRun.toJson(1)));
        assertThat(json).containsEntry("loss_type", "simpo").containsEntry("simpo_gamma", 0.3)
                .doesNotContainKey("label_smoothing");
        assertThat(RunConfig.fromJson(json, "config.json")).isEqualTo(simpoRun);

        RunConfig robust = config(DpoLossSettings.fromOptions("robust", 0.1, 0.2, null));
        Map<String, Object> robustJson = JsonFiles.parseObject(JsonFiles.write(robust.toJson(1)));
        assertThat(robustJson).containsEntry("loss_type", "robust").containsEntry("label_smoothing", 0.2)
                .doesNotContainKey("simpo_gamma");
        assertThat(RunConfig.fromJson(robustJson, "config.json")).isEqualTo(robust);
        assertThat(robust.dpo().settings("standard", 4).labelSmoothing()).isEqualTo(0.2);
    }

    @Test
    void everyLossTypeIsAcceptedByTrlsNameAndOthersAreOneLineErrors() {
        for (DpoLossType type : DpoLossType.values()) {
            assertThat(DpoLossSettings.parseLossType(type.trlName())).isEqualTo(type);
        }
        assertThat(DpoLossSettings.parseLossType("apo-zero")).isEqualTo(DpoLossType.APO_ZERO);
        assertThatThrownBy(() -> DpoLossSettings.parseLossType("cubic")).isInstanceOf(UserError.class)
                .hasMessage("unknown --loss-type 'cubic'; expected one of sigmoid, hinge, ipo, conservative, robust, "
                        + "simpo, apo_zero, nca_pair, bpo");
        assertThatThrownBy(() -> DpoLossSettings.fromOptions("sigmoid", 0.1, 0, 0.3)).isInstanceOf(UserError.class)
                .hasMessage("--simpo-gamma applies to --loss-type simpo only, got 0.3 with sigmoid");
        assertThatThrownBy(() -> DpoLossSettings.fromOptions("simpo", 0.1, 0, -1.0)).isInstanceOf(UserError.class)
                .hasMessage("--simpo-gamma must be finite and >= 0, got -1.0");
    }

    private static RunConfig config(DpoLossSettings dpo) {
        return new RunConfig("dpo/standard", Objective.DPO, "standard", new ModelSettings("committed-sft", "reference"),
                new StepSettings(1, 4, 2, 1e-3, false), new DataSettings("pairs.jsonl", null, 64, 778), dpo,
                new PpoSettings(2, 2, 32, 0.05), new MeasurementSettings(2, ComponentPasses.EVERY_COMPONENT, 2, 6, 2, 6, 3),
                new EvaluationSettings(4, 6));
    }
}

package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code train --loss-type} with the DPO-family losses beyond the paper's: SimPO with its γ and NCA-pair train,
 * record their settings in config.json, {@code analyze} replays them bit for bit, and the report's
 * {@code dpo-weights} section shows their ω and λ± from {@code metrics.jsonl}.
 */
class DpoLossTypesTest {

    @TempDir
    Path dir;

    @Test
    void simpoAndNcaPairTrainAnalyzeAndShowTheirWeights() throws IOException {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        for (List<String> loss : List.of(List.of("--loss-type", "simpo", "--simpo-gamma", "0.3", "--beta", "2"),
                List.of("--loss-type", "nca_pair"))) {
            Path run = dir.resolve(loss.get(1));
            List<String> args = new java.util.ArrayList<>(List.of("train", "--checkpoint", checkpoint.toString(),
                    "--pairs", pairs.toString(), "--steps", "2", "--batch", "2", "--lr", "1e-3", "--out",
                    run.toString(), "--quiet", "--measure-every", "2", "--final-prompts", "2", "--final-tokens", "6",
                    "--probe-prompts", "2", "--probe-tokens", "6", "--probe-pairs", "2", "--eval-prompts", "2",
                    "--eval-tokens", "6"));
            args.addAll(loss);
            Cli.Result trained = Cli.run(args.toArray(String[]::new));
            assertThat(trained.code()).as(trained.err()).isZero();
            Map<String, Object> config = RunDirectory.readJson(run.resolve("config.json"));
            assertThat(config).containsEntry("loss_type", loss.get(1));
            if (loss.get(1).equals("simpo")) {
                assertThat(config).containsEntry("simpo_gamma", 0.3);
            } else {
                assertThat(config).doesNotContainKey("simpo_gamma");
            }
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                assertThat(JsonFiles.parseObject(line)).containsKeys("omega/mean", "lambda/positive", "lambda/negative",
                        "rewards/margins", "logps/chosen");
            }
            Cli.Result analyzed = Cli.run("analyze", run.toString(), "--quiet");
            assertThat(analyzed.code()).as(analyzed.err()).isZero();
            Cli.Result reported = Cli.run("report", run.toString());
            assertThat(reported.code()).as(reported.err()).isZero();
            String html = Files.readString(run.resolve("report.html"));
            int start = html.indexOf("<section id=\"dpo-weights\">");
            String section = html.substring(start, html.indexOf("</section>", start));
            assertThat(section).doesNotContain("No DPO-family run")
                    .contains(loss.get(1).equals("simpo") ? "simpo, γ 0.3" : "nca_pair");
            assertThat(run.resolve("plots/weights-dpo-standard.png")).isNotEmptyFile();
        }
    }
}

package prefdyn.cli.command;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import prefdyn.cli.Main;
import prefdyn.cli.report.Plots;
import prefdyn.cli.report.Report;
import prefdyn.cli.run.RunData;
import prefdyn.cli.run.RunDirectory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reduced reproduction of claims 1 and 2 in the default suite: {@code prefdyn reproduce --size tiny}
 * over two fixed seeds with DPO and PPO, from the committed SFT model. A regression check of the pipeline, not of
 * the paper: it checks that every claim gets a verdict computed from the seeds' own files, not what the verdict is.
 */
class ReproduceCommandTest {

    @TempDir
    static Path dir;

    static Path out;
    static Cli.Result result;

    @BeforeAll
    static void reproduceTiny() {
        out = dir.resolve("reproduce");
        result = Cli.run("reproduce", "--size", "tiny", "--seeds", "2", "--first-seed", "3", "--runs",
                "dpo/standard,ppo/standard", "--out", out.toString(), "--jobs", "2", "--quiet");
    }

    @Test
    void everyClaimGetsAVerdictAndTheFindingsAreWritten() throws IOException {
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).contains("findings: file:").contains("claim 1: ").contains("claim 2: ");
        String markdown = Files.readString(out.resolve("findings.md"));
        String html = Files.readString(out.resolve("findings.html"));
        assertThat(markdown).as("the regenerate command names the run set")
                .contains("`./prefdyn reproduce --seeds 2 --first-seed 3 --size tiny --runs dpo/standard,ppo/standard");
        for (String claim : List.of("1", "2", "3", "6", "R1")) {
            assertThat(verdict(markdown, claim)).as("claim " + claim).isIn("supported", "contradicted", "mixed", "undecided");
            assertThat(result.out()).contains("claim " + claim + ": " + verdict(markdown, claim));
            assertThat(html).contains("Claim " + claim + ":");
        }
        for (String claim : List.of("4", "5", "7", "R2")) {
            assertThat(verdict(markdown, claim)).as("claim " + claim + " lacks its runs").isEqualTo("not tested");
            assertThat(markdown).as("the list of what these seeds could not decide")
                    .contains("- claim " + claim + ": not tested, needs the run(s)");
        }
        assertThat(markdown).as("each seed's recorded time").containsPattern(
                "\\| time per seed \\(s\\), and in all \\| \\d+, \\d+; \\d+ s \\(\\d+ min\\) \\|");
        assertThat(out.resolve(RunDirectory.MARKER)).doesNotExist();
        assertThat(out.resolve("seed-3").resolve("report.html")).isNotEmptyFile();
        assertThat(out.resolve("seed-4").resolve("report.html")).isNotEmptyFile();
    }

    @Test
    void claimOnesPerSeedValuesAreTheSeedsOwnFractionsOfPositiveG() throws IOException {
        String markdown = Files.readString(out.resolve("findings.md"));
        Matcher row = Pattern.compile("\\| fraction of measured steps with G > 0 \\| [^|]+ \\| [^|]+ \\| [^|]* \\| "
                + "([^|]+) \\| ([^|]+) \\|").matcher(markdown);
        assertThat(row.find()).as(markdown).isTrue();
        assertThat(markdown).contains("| per seed | seeds needed |").contains("**Seeds needed** (a planning estimate");
        assertThat(row.group(2).trim()).as("seeds needed").matches("[0-9]+|never|> 1000");
        String[] printed = row.group(1).trim().split(", ");
        assertThat(printed).hasSize(2);
        for (int seed = 0; seed < 2; seed++) {
            RunData run = RunData.load(out.resolve("seed-" + (3 + seed)).resolve("runs").resolve("dpo-standard"));
            double[] g = run.dynamics("G/total");
            assertThat(g).as("G measured at t = 0, k, ..., T").hasSizeGreaterThanOrEqualTo(2);
            int positive = 0;
            for (double value : g) {
                assertThat(value).isFinite();
                positive += value > 0 ? 1 : 0;
            }
            assertThat(printed[seed]).isEqualTo(Report.Html.number(positive / (double) g.length));
        }
    }

    @Test
    void thePlotsTheClaimsNameArePictures() throws IOException {
        String markdown = Files.readString(out.resolve("findings.md"));
        Matcher images = Pattern.compile("!\\[[^]]*]\\(([^)]+\\.png)\\)").matcher(markdown);
        int count = 0;
        while (images.find()) {
            BufferedImage image = ImageIO.read(out.resolve(images.group(1)).toFile());
            assertThat(image).as(images.group(1)).isNotNull();
            assertThat(image.getWidth()).isEqualTo(Plots.WIDTH);
            count++;
        }
        assertThat(count).as("g-cosine for claims 1 and 2 at least").isGreaterThanOrEqualTo(2);
        assertThat(markdown).contains("images/findings/g-cosine.png");
    }

    @Test
    void aSecondRunReusesTheFinishedSeedsAndWritesTheSameFindings() throws IOException {
        String before = Files.readString(out.resolve("findings.md"));
        Path elsewhere = dir.resolve("again").resolve("findings.md");
        Cli.Result again = Cli.run("reproduce", "--size", "tiny", "--seeds", "2", "--first-seed", "3", "--runs",
                "dpo/standard,ppo/standard", "--out", out.toString(), "--findings", elsewhere.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("seed 3: reusing").contains("seed 4: reusing")
                .doesNotContain("train (pass 1)");
        assertThat(Files.readString(elsewhere)).isEqualTo(before);
        assertThat(elsewhere.resolveSibling("findings.html")).isNotEmptyFile();
    }

    @Test
    void badSettingsAreOneLineErrors() {
        Cli.Result seeds = Cli.run("reproduce", "--seeds", "0", "--out", dir.resolve("x").toString());
        assertThat(seeds.code()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(seeds.err()).contains("--seeds must be at least 1");
        Cli.Result run = Cli.run("reproduce", "--runs", "dpo/nonsense", "--out", dir.resolve("y").toString());
        assertThat(run.code()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(run.err().toLowerCase(Locale.ROOT)).contains("unknown run 'dpo/nonsense'");
    }

    /** The verdict of one claim in the findings' verdict table. */
    private static String verdict(String markdown, String claim) {
        Matcher matcher = Pattern.compile("(?m)^\\| " + Pattern.quote(claim) + " \\| .* \\| \\*\\*(.+?)\\*\\* \\|$")
                .matcher(markdown);
        assertThat(matcher.find()).as("verdict row of claim " + claim).isTrue();
        return matcher.group(1);
    }
}

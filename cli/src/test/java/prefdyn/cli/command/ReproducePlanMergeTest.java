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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reproduce} spread over machines: {@code --plan} prints one command line per seed, each line is run (here
 * in-process, as a scheduler would run it anywhere), then {@code --merge} of the seed directories writes the
 * findings, the same page {@code reproduce} writes for the same seeds; seeds that differ in a setting or in the code
 * that ran them, or that have not finished, are refused in one line naming the directory and the field. Two seeds
 * at {@code --size tiny} with one DPO and one PPO run, as {@link ReproduceCommandTest}.
 */
class ReproducePlanMergeTest {

    @TempDir
    static Path dir;

    static Path out;
    static Cli.Result plan;
    static List<Cli.Result> seeds = new ArrayList<>();
    static Cli.Result merge;

    @BeforeAll
    static void planRunAndMerge() {
        out = dir.resolve("reproduce");
        plan = Cli.run("reproduce", "--plan", "--size", "tiny", "--seeds", "2", "--first-seed", "5", "--runs",
                "dpo/standard,ppo/standard", "--jobs", "2", "--out", out.toString());
        for (String line : plan.out().lines().toList()) {
            seeds.add(Cli.run(append(arguments(line), "--quiet")));
        }
        merge = Cli.run("reproduce", "--out", out.toString(), "--quiet", "--merge", out.resolve("seed-5").toString(),
                out.resolve("seed-6").toString());
    }

    @Test
    void thePlanIsOneSelfContainedLinePerSeedAndNothingElse() {
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.err()).isEmpty();
        List<String> lines = plan.out().lines().toList();
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(lines.get(i)).isEqualTo("./prefdyn reproduce --only-seed " + (5 + i) + " --out " + out
                    + " --size tiny --runs dpo/standard,ppo/standard --checkpoint committed-sft --engine vector "
                    + "--jobs 2");
        }
        Map<String, Object> config = RunDirectory.readJson(out.resolve("config.json"));
        assertThat(config).containsEntry("kind", "reproduce").containsEntry("seeds", List.of(5L, 6L));
        assertThat(out.resolve(RunDirectory.MARKER)).as("the plan holds nothing open").doesNotExist();
    }

    @Test
    void everyPlannedSeedFinishesAndTheMergeWritesTheFindings() throws IOException {
        for (Cli.Result seed : seeds) {
            assertThat(seed.code()).as(seed.err()).isZero();
            assertThat(seed.err()).isEmpty();
        }
        assertThat(seeds.get(0).out()).contains("seed 5 finished");
        assertThat(out.resolve("seed-5").resolve("report.html")).isNotEmptyFile();
        assertThat(out.resolve("seed-6").resolve("report.html")).isNotEmptyFile();
        assertThat(merge.code()).as(merge.err()).isZero();
        assertThat(merge.err()).isEmpty();
        assertThat(merge.out()).contains("claim 1: ").contains("claim 2: ").contains("findings: file:");
        assertThat(Files.readString(out.resolve("findings.md"))).contains("| seeds | [5, 6] |");
        assertThat(out.resolve("findings.html")).isNotEmptyFile();
        assertThat(out.resolve(RunDirectory.MARKER)).doesNotExist();
        assertThat(out.resolve("seed-5").resolve(RunDirectory.MARKER)).doesNotExist();
    }

    @Test
    void thePlannedSeedsAreReusedAndTheFindingsAreThoseOfReproduceInOneProcess() throws IOException {
        Path elsewhere = dir.resolve("direct").resolve("findings.md");
        Cli.Result direct = Cli.run("reproduce", "--size", "tiny", "--seeds", "2", "--first-seed", "5", "--runs",
                "dpo/standard,ppo/standard", "--out", out.toString(), "--findings", elsewhere.toString());
        assertThat(direct.code()).as(direct.err()).isZero();
        assertThat(direct.out()).contains("seed 5: reusing").contains("seed 6: reusing")
                .doesNotContain("train (pass 1)");
        assertThat(Files.readString(elsewhere)).isEqualTo(Files.readString(out.resolve("findings.md")));

        // A planned line run again (after a scheduler's retry, say) reuses its finished seed.
        Cli.Result again = Cli.run(arguments(plan.out().lines().findFirst().orElseThrow()));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("seed 5: reusing").doesNotContain("train (pass 1)");
    }

    @Test
    void theBandOfGPerStepIsPlottedAndCountedFromTheSeedsOwnFiles() throws IOException {
        String markdown = Files.readString(out.resolve("findings.md"));
        for (String image : List.of("images/findings/g-band-dpo.png", "images/findings/g-band-ppo.png")) {
            assertThat(markdown).contains("](" + image + ")");
            BufferedImage png = ImageIO.read(out.resolve(image).toFile());
            assertThat(png).as(image).isNotNull();
            assertThat(png.getWidth()).isEqualTo(Plots.WIDTH);
        }
        for (String run : List.of("dpo/standard", "ppo/standard")) {
            double[][] g = new double[2][];
            for (int s = 0; s < 2; s++) {
                g[s] = RunData.load(out.resolve("seed-" + (5 + s)).resolve("runs").resolve(Report.fileName(run)))
                        .dynamics("G/total");
            }
            double[] steps = RunData.load(out.resolve("seed-5").resolve("runs").resolve(Report.fileName(run)))
                    .dynamicsSteps();
            List<String> low = new ArrayList<>();
            for (int i = 0; i < steps.length; i++) {
                if ((g[0][i] + g[1][i]) / 2 <= 0) {
                    low.add(String.valueOf(Math.round(steps[i])));
                }
            }
            Matcher row = Pattern.compile("(?m)^\\| " + Pattern.quote(run)
                    + " \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| ([^|]+) \\|$").matcher(markdown);
            assertThat(row.find()).as("per-step row of " + run + " in\n" + markdown).isTrue();
            assertThat(Integer.parseInt(row.group(1))).isEqualTo(steps.length);
            assertThat(Integer.parseInt(row.group(2)) + Integer.parseInt(row.group(3))
                    + Integer.parseInt(row.group(4))).isEqualTo(steps.length);
            assertThat(row.group(5).trim()).isEqualTo(low.isEmpty() ? "none" : String.join(", ", low));
        }
    }

    @Test
    void seedsThatDifferInASettingOrTheCodeAreRefusedNamingTheDirectoryAndTheField() throws IOException {
        Path reference = copy(out.resolve("seed-6"), dir.resolve("elsewhere").resolve("seed-7"));
        edit(reference, "engine", "reference");
        edit(reference, "seed", 7L);
        Cli.Result engine = merge(out.resolve("seed-5"), reference);
        CliParsingTest.assertUserError(engine, 1, reference + ": field \"engine\" is \"reference\" but "
                + out.resolve("seed-5") + " has \"vector\"");

        Path commit = copy(out.resolve("seed-6"), dir.resolve("elsewhere").resolve("seed-8"));
        edit(commit, "commit", "0123456789ab");
        edit(commit, "seed", 8L);
        CliParsingTest.assertUserError(merge(out.resolve("seed-5"), commit), 1, commit + ": field \"commit\"");

        Path size = copy(out.resolve("seed-6"), dir.resolve("elsewhere").resolve("seed-9"));
        Map<String, Object> config = RunDirectory.readJson(size.resolve("config.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sizes = (Map<String, Object>) config.get("sizes");
        sizes.put("win-rate prompts x tokens", "999 x 1");
        config.put("seed", 9L);
        RunDirectory.writeJson(size.resolve("config.json"), config);
        CliParsingTest.assertUserError(merge(out.resolve("seed-5"), size), 1,
                size + ": field \"sizes.win-rate prompts x tokens\"");

        CliParsingTest.assertUserError(merge(out.resolve("seed-5"), out.resolve("seed-5")), 1,
                "seed 5 again (also in " + out.resolve("seed-5") + ")");
        assertThat(dir.resolve("refused")).as("a refused merge leaves no output directory").doesNotExist();
    }

    @Test
    void unfinishedOrForeignDirectoriesAndSettingsBesideMergeAreRefused() throws IOException {
        Path running = copy(out.resolve("seed-6"), dir.resolve("unfinished").resolve("seed-6"));
        Files.writeString(running.resolve(RunDirectory.MARKER), "{}\n");
        CliParsingTest.assertUserError(merge(out.resolve("seed-5"), running), 1,
                running + ": seed 6 has not finished (RUNNING marker present)");

        Path noReport = copy(out.resolve("seed-6"), dir.resolve("noreport").resolve("seed-6"));
        Files.delete(noReport.resolve("report.html"));
        CliParsingTest.assertUserError(merge(noReport), 1, noReport + ": seed 6 has not finished (no report.html)");

        CliParsingTest.assertUserError(merge(out), 1, out.resolve("config.json") + ": field \"kind\" is "
                + "\"reproduce\"");
        CliParsingTest.assertUserError(merge(dir.resolve("missing")), 1, dir.resolve("missing").toString());

        Cli.Result withSize = Cli.run("reproduce", "--merge", out.resolve("seed-5").toString(), "--size", "tiny",
                "--out", dir.resolve("refused").toString());
        CliParsingTest.assertUserError(withSize, 1, "--merge takes its settings from the seed directories; drop --size");
        Cli.Result both = Cli.run("reproduce", "--plan", "--only-seed", "3", "--out", dir.resolve("refused").toString());
        CliParsingTest.assertUserError(both, 1, "--plan, --only-seed and --merge exclude each other");
        Cli.Result engine = Cli.run("reproduce", "--plan", "--engine", "nonsense", "--out",
                dir.resolve("refused").toString());
        CliParsingTest.assertUserError(engine, 1, "unknown engine 'nonsense'");
        assertThat(dir.resolve("refused")).doesNotExist();
    }

    private static Cli.Result merge(Path... directories) {
        List<String> arguments = new ArrayList<>(List.of("reproduce", "--quiet", "--out",
                dir.resolve("refused").toString(), "--merge"));
        for (Path directory : directories) {
            arguments.add(directory.toString());
        }
        Cli.Result result = Cli.run(arguments.toArray(String[]::new));
        assertThat(result.code()).as(result.out()).isEqualTo(Main.EXIT_USER_ERROR);
        return result;
    }

    private static void edit(Path directory, String field, Object value) {
        Map<String, Object> config = RunDirectory.readJson(directory.resolve("config.json"));
        config.put(field, value);
        RunDirectory.writeJson(directory.resolve("config.json"), config);
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return to;
    }

    /** A planned line's arguments after {@code ./prefdyn}, as a POSIX shell splits them (plain or '…' words). */
    static String[] arguments(String line) {
        assertThat(line).startsWith("./prefdyn ");
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("(?:[^\\s']+|'[^']*')+").matcher(line.substring("./prefdyn ".length()));
        while (word.find()) {
            words.add(word.group().replaceAll("'([^']*)'", "$1"));
        }
        return words.toArray(String[]::new);
    }

    private static String[] append(String[] arguments, String last) {
        String[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }
}

package prefdyn.cli.findings;

import org.knowm.xchart.XYChart;
import prefdyn.cli.base.UserError;
import prefdyn.cli.base.Version;
import prefdyn.cli.findings.Claims.Claim;
import prefdyn.cli.findings.Claims.Statistic;
import prefdyn.cli.findings.SeedStatistics.Interval;
import prefdyn.cli.report.Plots;
import prefdyn.cli.report.Report;
import prefdyn.cli.run.GPasses;
import prefdyn.cli.run.RunData;
import prefdyn.cli.run.RunDirectory;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.cli.run.DataRules;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The findings page of {@code prefdyn reproduce}: the variants' summary across seeds, then each claim
 * of {@link Claims} with its experiment, statistics, plots and verdict, written as Markdown (for
 * {@code docs/findings.md}) and as an HTML page with the same content. Plots go to {@code images/findings/}
 * beside the Markdown file. Every file is written atomically.
 */
public final class Findings {

    /** Sub-folder (beside the Markdown file) of the plots. */
    static final String IMAGES = "images/findings";

    public record Verdict(String claim, String word) {
    }

    public record Written(Path markdown, Path html, List<Verdict> verdicts) {
    }

    private Findings() {
    }

    /**
     * Reads the seed directories, tests every claim and writes {@code markdownFile}, the HTML page beside it
     * ({@code .md} replaced by {@code .html}) and the plots.
     *
     * @param seedDirectories one finished demo directory per seed
     * @param config          the reproduce settings (seeds, size, runs, checkpoint, engine), for the page's header
     */
    public static Written write(List<Path> seedDirectories, Path markdownFile, Map<String, Object> config) {
        if (seedDirectories.isEmpty()) {
            throw new UserError("no seed directory to read");
        }
        List<Map<String, RunData>> bySeed = new ArrayList<>();
        List<Map<String, Object>> seedConfigs = new ArrayList<>();
        for (Path directory : seedDirectories) {
            Map<String, RunData> runs = new LinkedHashMap<>();
            for (RunData run : Report.loadRuns(directory)) {
                runs.put(run.name(), run);
            }
            bySeed.add(runs);
            seedConfigs.add(RunDirectory.readJson(directory.resolve("config.json")));
        }
        // Runs present in every seed, in the first seed's order.
        Map<String, List<RunData>> runs = new LinkedHashMap<>();
        for (String name : bySeed.get(0).keySet()) {
            List<RunData> perSeed = new ArrayList<>();
            for (Map<String, RunData> seed : bySeed) {
                if (seed.containsKey(name)) {
                    perSeed.add(seed.get(name));
                }
            }
            if (perSeed.size() == bySeed.size()) {
                runs.put(name, perSeed);
            }
        }
        List<Claim> claims = new Claims(runs, seedDirectories.size()).all();

        Path folder = markdownFile.toAbsolutePath().getParent();
        Path images = folder.resolve(IMAGES);
        Set<String> drawn = plots(runs, claims, images);

        Page page = new Page();
        header(page, config, seedConfigs, runs);
        verdictTable(page, claims);
        variants(page, runs);
        gPerStep(page, runs, drawn);
        for (Claim claim : claims) {
            claim(page, claim, drawn);
        }
        limits(page, seedDirectories.size(), runs, String.valueOf(config.get("size")));

        String fileName = markdownFile.getFileName().toString();
        Path html = markdownFile.resolveSibling(
                (fileName.endsWith(".md") ? fileName.substring(0, fileName.length() - 3) : fileName) + ".html");
        RunDirectory.writeAtomically(markdownFile, page.markdown());
        RunDirectory.writeAtomically(html, page.html("prefdyn findings: the paper's claims across seeds"));
        List<Verdict> verdicts = new ArrayList<>();
        for (Claim claim : claims) {
            verdicts.add(new Verdict(claim.id(), claim.verdict().word()));
        }
        return new Written(markdownFile, html, verdicts);
    }

    // ------------------------------------------------------------------ sections

    private static void header(Page page, Map<String, Object> config, List<Map<String, Object>> seedConfigs,
                               Map<String, List<RunData>> runs) {
        page.heading(1, "Findings: the paper's claims, measured across seeds");
        Set<String> commits = new LinkedHashSet<>();
        for (Map<String, Object> seed : seedConfigs) {
            commits.add(seed.get("commit") instanceof String commit ? commit : "not recorded");
        }
        // G measured by linearity is named (a finished seed is reused only with the same --g-passes); the default
        // adds nothing, so a page of the default mode reads as it did before the option existed.
        boolean linear = GPasses.LINEAR.equals(config.get(GPasses.FIELD));
        // How the training steps' gradients were computed is always named: the default changed to one backward
        // pass, and a config written before the field existed used two.
        boolean split = ComponentNorms.fromConfig(config.get(ComponentNorms.FIELD));
        String settings = " --size " + config.get("size") + " --runs " + String.join(",", runs.keySet())
                + (linear ? " --g-passes " + GPasses.LINEAR : "")
                + ComponentNorms.commandSuffix(split) + DataRules.commandSuffix(DataRules.fromConfig(config));
        String regenerate = consecutive(seedConfigs)
                ? "Regenerate with `./prefdyn reproduce --seeds " + seedConfigs.size() + " --first-seed "
                        + seedConfigs.get(0).get("seed") + settings + " --findings docs/findings.md`: finished seed "
                        + "directories under `--out` are reused, so the page can be re-rendered without training "
                        + "(or spread the seeds over machines with `--plan`, then `--merge` their directories)."
                : "The seeds are not consecutive: regenerate by running each seed with `./prefdyn reproduce "
                        + "--only-seed <s>" + settings + "`, then `./prefdyn reproduce --merge` of their directories.";
        page.paragraph("Written by `prefdyn reproduce` on " + LocalDate.now(ZoneOffset.UTC) + " (prefdyn "
                + Version.get() + "). " + regenerate);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("seeds", String.valueOf(config.get("seeds"))));
        rows.add(List.of("runs per seed", String.join(", ", runs.keySet())));
        rows.add(List.of("start model and reference", String.valueOf(config.get("checkpoint"))));
        rows.add(List.of("engine", String.valueOf(config.get("engine"))));
        if (linear) {
            rows.add(List.of("G's component gradients", "by linearity (--g-passes linear: 4 backward passes, the total "
                    + "and the top tertile formed from them; equal to one pass per component up to rounding)"));
        }
        rows.add(List.of("training steps' gradient", split
                ? "two backward passes per update, positive and negative learning, norms logged (--component-norms)"
                : "one backward pass of the summed seeds per update"));
        rows.add(List.of("code (git commit of the seed runs)", String.join(", ", commits)));
        rows.add(List.of("machine", String.valueOf(seedConfigs.get(0).get("machine"))));
        rows.add(List.of("time per seed (s), and in all", seedTimes(seedConfigs)));
        if (seedConfigs.get(0).get("sizes") instanceof Map<?, ?> sizes) {
            for (Map.Entry<?, ?> entry : sizes.entrySet()) {
                rows.add(List.of(String.valueOf(entry.getKey()), String.valueOf(entry.getValue())));
            }
        }
        page.table(List.of("setting", "value"), rows);
        page.paragraph("Every interval is a 95% Student-t interval across seeds of one number per seed; "
                + "comparisons between variants are paired by seed (the same pairs, prompts and sampling seeds). "
                + "Verdict rule, the same for every claim: each primary statistic has a predicted side of a "
                + "threshold; it agrees when its whole interval lies on that side, disagrees when it lies wholly on "
                + "the other, and is within noise otherwise. Each primary statistic is a necessary part of its "
                + "claim, so one that disagrees decides against it: contradicted when none agrees, mixed when some "
                + "agree (the claim fails as stated and holds in their sense). With none disagreeing, the claim is "
                + "supported when every one agrees and undecided while one is within noise: these seeds cannot "
                + "tell. Descriptive statistics carry no prediction.");
        page.paragraph("**Seeds needed** (a planning estimate, not a guarantee): for each primary statistic, these "
                + "seeds taken as a pilot, the smallest number of seeds n ≥ 2 whose 95% interval would exclude the "
                + "threshold if the true mean were the pilot's mean and the spread its standard deviation s: |mean − "
                + "threshold| > t(0.975, n − 1) · s / √n. \"never\": the pilot's mean lies on the threshold or on "
                + "the side opposite to the prediction; \"> " + SeedsNeeded.CAP + "\": the search stopped there. "
                + "The pilot's s is itself uncertain (with a few seeds it can be off by a factor of two, and the "
                + "estimate with it by a factor of four), and even with the true effect equal to the pilot's mean an "
                + "interval at that n excludes the threshold only about half of the time; plan for more.");
    }

    /** Each seed's wall time as its config.json records it (timing.total_s), and their sum; "?" where missing. */
    static String seedTimes(List<Map<String, Object>> seedConfigs) {
        List<String> times = new ArrayList<>();
        double sum = 0;
        boolean complete = true;
        for (Map<String, Object> seedConfig : seedConfigs) {
            if (seedConfig.get("timing") instanceof Map<?, ?> timing && timing.get("total_s") instanceof Number total) {
                times.add(String.valueOf(Math.round(total.doubleValue())));
                sum += total.doubleValue();
            } else {
                times.add("?");
                complete = false;
            }
        }
        return String.join(", ", times) + "; " + (complete ? Math.round(sum) + " s (" + Math.round(sum / 60) + " min)"
                : "not every seed recorded its time");
    }

    /** Whether the seeds (in page order) are s, s + 1, s + 2, ...: what --seeds and --first-seed can name. */
    private static boolean consecutive(List<Map<String, Object>> seedConfigs) {
        for (int i = 0; i < seedConfigs.size(); i++) {
            if (!(seedConfigs.get(i).get("seed") instanceof Number seed && seedConfigs.get(0).get("seed") instanceof
                    Number first && seed.longValue() == first.longValue() + i)) {
                return false;
            }
        }
        return true;
    }

    private static void verdictTable(Page page, List<Claim> claims) {
        page.heading(2, "Verdicts");
        List<List<String>> rows = new ArrayList<>();
        for (Claim claim : claims) {
            rows.add(List.of(claim.id(), claim.title(), "**" + claim.verdict().word() + "**"));
        }
        page.table(List.of("claim", "statement", "verdict"), rows);
        undecided(page, claims);
    }

    /** Which claims these seeds could not decide, and for each the statistics within noise and the seeds needed. */
    private static void undecided(Page page, List<Claim> claims) {
        List<String> lines = new ArrayList<>();
        for (Claim claim : claims) {
            switch (claim.verdict()) {
                case NOT_TESTED -> lines.add("claim " + claim.id() + ": not tested, " + claim.reason());
                case UNDECIDED -> {
                    List<String> open = new ArrayList<>();
                    for (Claims.Statistic statistic : claim.statistics()) {
                        if (statistic.primary() && statistic.outcome() == 0) {
                            open.add(statistic.name() + " " + statistic.interval().text() + " contains its "
                                    + "threshold " + Report.Html.number(statistic.threshold()) + " (seeds needed: "
                                    + statistic.seedsNeededText() + ")");
                        }
                    }
                    lines.add("claim " + claim.id() + ": " + String.join("; ", open));
                }
                case SUPPORTED, CONTRADICTED, MIXED -> {
                }
            }
        }
        if (lines.isEmpty()) {
            page.paragraph("Every claim is decided at these seeds.");
            return;
        }
        page.paragraph("**Not decided by these seeds**, and why: each primary statistic whose interval still "
                + "contains its threshold, with the seeds it would need if the effect were as large as measured "
                + "here (\"never\": the measured mean lies on the threshold or on the other side, so more seeds "
                + "would sooner decide against the prediction).");
        page.bullets(lines);
    }

    private static void variants(Page page, Map<String, List<RunData>> runs) {
        page.heading(2, "Variants across seeds");
        page.paragraph("Final evaluation of each trained policy against the start model on held-out prompts, and the "
                + "G statistics of its run; mean [95% interval] across seeds.");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<RunData>> entry : runs.entrySet()) {
            List<RunData> data = entry.getValue();
            rows.add(List.of(entry.getKey(), String.valueOf(data.size()),
                    across(data, run -> run.evaluation("win_rate", "value")),
                    across(data, run -> run.evaluation("reward", "value")),
                    across(data, run -> run.evaluation("kl", null)),
                    across(data, run -> Report.mean(run.dynamics("G/total"))),
                    across(data, run -> Report.mean(run.dynamics("G/cosine/total"))),
                    across(data, run -> Claims.fractionPositive(run.dynamics("G/total")))));
        }
        page.table(List.of("run", "seeds", "win rate vs start", "reward (NB)", "KL(π‖π_ref)", "mean G",
                "mean cosine", "fraction of steps with G > 0"), rows);
        if (!runs.isEmpty()) {
            RunData first = runs.values().iterator().next().get(0);
            page.paragraph("Start model on the same prompts (first seed): reward "
                    + Report.Html.number(first.evaluation("start_reward", "value")) + ". A policy equal to the start "
                    + "model has a win rate of exactly ½.");
        }
    }

    /** The DPO and the PPO runs whose G is plotted per step with its band across seeds, in report order. */
    private static final Map<String, List<String>> BAND_RUNS = Map.of(
            "dpo", List.of("dpo/standard", "dpo/positive-only", "dpo/negative-only", "dpo/unweighted",
                    "dpo/controlled", "dpo/coordinated"),
            "ppo", List.of("ppo/standard", "ppo/positive-only", "ppo/negative-only", "ppo/controlled"));

    private static void gPerStep(Page page, Map<String, List<RunData>> runs, Set<String> drawn) {
        List<List<String>> rows = new ArrayList<>();
        for (String objective : List.of("dpo", "ppo")) {
            for (String run : BAND_RUNS.get(objective)) {
                List<RunData> data = runs.get(run);
                if (data == null || !data.get(0).hasDynamics("G/total")) {
                    continue;
                }
                StepBands.Band band = StepBands.of(data, "G/total");
                int[] sides = band.sides(0);
                List<Long> low = band.stepsAtOrBelow(0);
                rows.add(List.of(run, String.valueOf(band.steps().length), String.valueOf(sides[0]),
                        String.valueOf(sides[1]), String.valueOf(sides[2]), low.isEmpty() ? "none"
                                : String.join(", ", low.stream().map(String::valueOf).toList())));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        page.heading(2, "G per measured step across seeds");
        page.paragraph("G(L; θ(t)) of each run at every measured step t: the mean across seeds and its 95% interval "
                + "across seeds at that step (the band). Where the band lies wholly above 0 the seeds agree that the "
                + "update at t moves the model towards its final responses; where it contains 0 they cannot tell the "
                + "sign apart from zero.");
        page.table(List.of("run", "measured steps", "band above 0", "band contains 0", "band below 0",
                "steps with mean G ≤ 0"), rows);
        for (String figure : List.of("g-band-dpo.png", "g-band-ppo.png")) {
            if (drawn.contains(figure)) {
                page.image(IMAGES + "/" + figure, figure);
            }
        }
    }

    private static String across(List<RunData> runs, ToDoubleFunction<RunData> measure) {
        return interval(runs, measure).text();
    }

    /** The mean and 95% interval across seeds of one number per seed's run. */
    private static SeedStatistics.Interval interval(List<RunData> runs, ToDoubleFunction<RunData> measure) {
        double[] values = new double[runs.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = measure.applyAsDouble(runs.get(i));
        }
        return SeedStatistics.of(values);
    }

    private static void claim(Page page, Claim claim, Set<String> drawn) {
        page.heading(2, "Claim " + claim.id() + ": " + claim.title());
        page.paragraph("**Experiment.** " + claim.experiment());
        if (!claim.statistics().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (Statistic statistic : claim.statistics()) {
                rows.add(List.of(statistic.name(), statistic.interval().text(),
                        statistic.prediction().text(statistic.threshold()), statistic.outcomeText(),
                        perSeed(statistic.perSeed()), statistic.seedsNeededText()));
            }
            page.table(List.of("statistic", "mean [95% CI]", "predicted", "outcome", "per seed", "seeds needed"),
                    rows);
        }
        for (String figure : claim.figures()) {
            if (drawn.contains(figure)) {
                page.image(IMAGES + "/" + figure, figure);
            }
        }
        page.paragraph("**Verdict: " + claim.verdict().word() + ".** " + claim.reason());
    }

    private static String perSeed(double[] values) {
        List<String> texts = new ArrayList<>();
        for (double value : values) {
            texts.add(Report.Html.number(value));
        }
        return String.join(", ", texts);
    }

    private static void limits(Page page, int seeds, Map<String, List<RunData>> runs, String size) {
        page.heading(2, "What these runs can and cannot tell");
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        List<String> moved = new ArrayList<>();
        int variants = 0;
        for (Map.Entry<String, List<RunData>> entry : runs.entrySet()) {
            SeedStatistics.Interval interval = interval(entry.getValue(), run -> run.evaluation("win_rate", "value"));
            double mean = interval.mean();
            if (Double.isFinite(mean)) {
                variants++;
                lowest = Math.min(lowest, mean);
                highest = Math.max(highest, mean);
                if (interval.side(0.5) != 0) {
                    moved.add(entry.getKey());
                }
            }
        }
        if (lowest <= highest) {
            String range = "Across variants the mean win rate against the start model lies between "
                    + Report.Html.number(lowest) + " and " + Report.Html.number(highest) + " (½ = no change)";
            page.paragraph(moved.isEmpty()
                    ? range + "; no variant's interval across seeds excludes ½: at this size the trained policies "
                    + "do not measurably move the judge, so statements about win rate (claims 4 and 7) are weak "
                    + "tests here, while the gradient statistics (claims 1–3, 5, 6) measure the training dynamics "
                    + "directly."
                    : range + "; the interval across seeds excludes ½ for " + moved.size() + " of " + variants
                    + " variants (" + String.join(", ", moved) + "): the judge tells those policies' samples from the "
                    + "start model's (better above ½, worse below).");
        }
        page.paragraph("The start model (listed above) is a tiny GPT (see datasets/README.md) and the runs are "
                + "short ones (size '" + size + "', listed above), so each verdict is about this small setup, over "
                + seeds
                + " seeds; it does not confirm or refute the paper's results at scale. The paper's own numbers are "
                + "not public (see docs/paper-map.md), so only the direction of each claim can be compared. A claim "
                + "contradicted or undecided here is a measured result, not a failure of the pipeline. G is measured "
                + "against the greedy final responses of each run's own final policy on held-out prompts.");
    }

    // ------------------------------------------------------------------ plots

    /** Draws the plots the claims refer to; returns the names of those drawn (a plot without data is skipped). */
    private static Set<String> plots(Map<String, List<RunData>> runs, List<Claim> claims, Path images) {
        Set<String> drawn = new LinkedHashSet<>();
        XYChart cosine = Plots.chart("G, cosine form: mean across seeds (dashed: 95% CI)",
                "training progress t / T", "cos(g', grad L)");
        boolean any = false;
        for (String run : List.of("dpo/standard", "ppo/standard")) {
            any |= meanLines(cosine, runs.get(run), run, "G/cosine/total", true, true);
        }
        save(cosine, any, images, "g-cosine.png", drawn);

        for (String objective : List.of("dpo", "ppo")) {
            XYChart bands = Plots.chart(objective.toUpperCase(java.util.Locale.ROOT) + ": G per measured step, mean "
                    + "across seeds (band: 95% CI)", "step t", "G(L; θ(t))");
            any = false;
            double last = 0;
            int colour = 0;
            for (String run : BAND_RUNS.get(objective)) {
                List<RunData> data = runs.get(run);
                if (data == null || !data.get(0).hasDynamics("G/total")) {
                    continue;
                }
                StepBands.Band band = StepBands.of(data, "G/total");
                any |= Plots.band(bands, run, band.steps(), band.lower(), band.mean(), band.upper(),
                        Plots.PALETTE[colour++ % Plots.PALETTE.length]);
                for (double step : band.steps()) {
                    last = Math.max(last, step);
                }
            }
            if (any) {
                Plots.horizontal(bands, "G = 0", 0, 0, Math.max(1, last));
            }
            save(bands, any, images, "g-band-" + objective + ".png", drawn);
        }

        XYChart components = Plots.chart("dpo/standard: G, G+ and G- (mean across seeds)",
                "step t", "G");
        any = false;
        for (String key : List.of("G/total", "G/positive", "G/negative")) {
            any |= meanLines(components, runs.get("dpo/standard"), key.substring(2), key, false, false);
        }
        save(components, any, images, "dpo-components.png", drawn);

        XYChart entropy = Plots.chart("PPO: sample entropy over training (mean across seeds)", "step t",
                "mean token entropy (nats)");
        any = false;
        for (String run : List.of("ppo/standard", "ppo/positive-only", "ppo/negative-only", "ppo/controlled")) {
            any |= meanLines(entropy, runs.get(run), run, "samples/entropy", false, false);
        }
        save(entropy, any, images, "ppo-entropy.png", drawn);

        XYChart likelihood = Plots.chart("Chosen log-prob, train and held-out pairs (mean across seeds)", "step t",
                "mean sequence log-prob");
        any = false;
        for (String run : List.of("dpo/standard", "dpo/unweighted")) {
            any |= meanLines(likelihood, runs.get(run), run + " train lp+", "train/logps/chosen", false, false);
            any |= meanLines(likelihood, runs.get(run), run + " held-out lp+", "heldout/logps/chosen", false, false);
        }
        any |= meanLines(likelihood, runs.get("dpo/standard"), "dpo/standard train lp-", "train/logps/rejected",
                false, false);
        save(likelihood, any, images, "likelihood.png", drawn);

        XYChart tertiles = Plots.chart("Share of G by tertile, G_k / sum|G_k| (95% CI)",
                "tertile (1-3: DPO omega bottom/middle/top, 5-7: PPO |A| bottom/middle/top)", "signed share");
        any = false;
        int colour = 0;
        for (String run : List.of("dpo/standard", "ppo/standard")) {
            List<RunData> data = runs.get(run);
            if (data == null) {
                continue;
            }
            String[] names = {"bottom", "middle", "top"};
            for (int k = 0; k < 3; k++) {
                String tertile = names[k];
                double[] shares = new double[data.size()];
                for (int s = 0; s < shares.length; s++) {
                    shares[s] = Report.mean(tertileShares(data.get(s), tertile));
                }
                Interval interval = SeedStatistics.of(shares);
                if (interval.n() >= 2) {
                    Plots.interval(tertiles, run + " " + tertile, (run.startsWith("dpo") ? 1 : 5) + k,
                            interval.lower(), interval.mean(), interval.upper(),
                            Plots.PALETTE[colour % Plots.PALETTE.length]);
                    any = true;
                }
            }
            colour++;
        }
        save(tertiles, any, images, "tertiles.png", drawn);

        XYChart wins = Plots.chart("Win rate vs the start model (95% CI across seeds)",
                "run (order of the variants table)", "win rate");
        any = false;
        int x = 1;
        for (Map.Entry<String, List<RunData>> entry : runs.entrySet()) {
            double[] values = new double[entry.getValue().size()];
            for (int s = 0; s < values.length; s++) {
                values[s] = entry.getValue().get(s).evaluation("win_rate", "value");
            }
            Interval interval = SeedStatistics.of(values);
            if (interval.n() >= 2) {
                Plots.interval(wins, entry.getKey(), x, interval.lower(), interval.mean(), interval.upper(),
                        Plots.PALETTE[(x - 1) % Plots.PALETTE.length]);
                any = true;
            }
            x++;
        }
        if (any) {
            Plots.horizontal(wins, "no change", 0.5, 0.5, x - 0.5);
        }
        save(wins, any, images, "win-rates.png", drawn);
        return drawn;
    }

    /** [steps] G_k / Σ_j |G_j| of one tertile at each measured step (NaN where every tertile's G is 0). */
    private static double[] tertileShares(RunData run, String tertile) {
        double[] own = run.dynamics("G/tertile/" + tertile);
        double[][] all = {run.dynamics("G/tertile/bottom"), run.dynamics("G/tertile/middle"),
                run.dynamics("G/tertile/top")};
        double[] shares = new double[own.length];
        for (int i = 0; i < own.length; i++) {
            double sum = Math.abs(all[0][i]) + Math.abs(all[1][i]) + Math.abs(all[2][i]);
            shares[i] = sum > 0 ? own[i] / sum : Double.NaN;
        }
        return shares;
    }

    /**
     * Adds the across-seed mean of {@code key} at each measured step (steps of the first seed; seeds share them),
     * optionally with dashed 95% bounds; x is t or t / T.
     */
    private static boolean meanLines(XYChart chart, List<RunData> runs, String name, String key, boolean bounds,
                                     boolean progress) {
        if (runs == null || runs.isEmpty() || !runs.get(0).hasDynamics(key)) {
            return false;
        }
        double[] steps = runs.get(0).dynamicsSteps();
        double last = steps.length == 0 ? 1 : Math.max(1, steps[steps.length - 1]);
        double[] x = new double[steps.length];
        double[] mean = new double[steps.length];
        double[] lower = new double[steps.length];
        double[] upper = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            x[i] = progress ? steps[i] / last : steps[i];
            double[] values = new double[runs.size()];
            for (int s = 0; s < values.length; s++) {
                double[] column = runs.get(s).dynamics(key);
                values[s] = i < column.length ? column[i] : Double.NaN;
            }
            Interval interval = SeedStatistics.of(values);
            mean[i] = interval.mean();
            lower[i] = interval.lower();
            upper[i] = interval.upper();
        }
        // The mean in the next palette colour; its bounds dashed in the same colour, without legend entries.
        int shown = (int) chart.getSeriesMap().values().stream().filter(series -> series.isShowInLegend()).count();
        java.awt.Color colour = Plots.PALETTE[shown % Plots.PALETTE.length];
        boolean drawn = Plots.line(chart, name, x, mean, false);
        if (drawn) {
            org.knowm.xchart.XYSeries series = chart.getSeriesMap().get(name);
            series.setLineColor(colour);
            series.setMarkerColor(colour);
        }
        if (drawn && bounds) {
            for (String bound : List.of(" lower", " upper")) {
                if (Plots.line(chart, name + bound, x, bound.equals(" lower") ? lower : upper, true)) {
                    org.knowm.xchart.XYSeries series = chart.getSeriesMap().get(name + bound);
                    series.setLineColor(colour);
                    series.setMarkerColor(colour);
                    series.setShowInLegend(false);
                }
            }
        }
        return drawn;
    }

    private static void save(XYChart chart, boolean any, Path images, String name, Set<String> drawn) {
        if (any) {
            Plots.write(chart, images.resolve(name));
            drawn.add(name);
        }
    }

    // ------------------------------------------------------------------ Markdown and HTML side by side

    /** The same content as Markdown and as HTML. Text may use **bold** and `code` (rendered in both). */
    static final class Page {
        private final StringBuilder markdown = new StringBuilder();
        private final StringBuilder html = new StringBuilder();

        void heading(int level, String text) {
            markdown.append("#".repeat(level)).append(' ').append(text).append("\n\n");
            html.append("<h").append(level).append('>').append(inline(text)).append("</h").append(level).append(">\n");
        }

        void paragraph(String text) {
            markdown.append(text).append("\n\n");
            html.append("<p>").append(inline(text)).append("</p>\n");
        }

        void table(List<String> headers, List<List<String>> rows) {
            markdown.append("| ").append(String.join(" | ", headers.stream().map(Page::cell).toList()))
                    .append(" |\n|").append("---|".repeat(headers.size())).append('\n');
            html.append("<table>\n<tr>");
            for (String header : headers) {
                html.append("<th>").append(inline(header)).append("</th>");
            }
            html.append("</tr>\n");
            for (List<String> row : rows) {
                markdown.append("| ").append(String.join(" | ", row.stream().map(Page::cell).toList())).append(" |\n");
                html.append("<tr>");
                for (String value : row) {
                    html.append("<td>").append(inline(value)).append("</td>");
                }
                html.append("</tr>\n");
            }
            markdown.append('\n');
            html.append("</table>\n");
        }

        void bullets(List<String> items) {
            html.append("<ul>\n");
            for (String item : items) {
                markdown.append("- ").append(item.replace("\n", " ")).append('\n');
                html.append("<li>").append(inline(item)).append("</li>\n");
            }
            markdown.append('\n');
            html.append("</ul>\n");
        }

        void image(String path, String alt) {
            markdown.append("![").append(alt).append("](").append(path).append(")\n\n");
            html.append("<figure><img src=\"").append(Report.Html.escape(path)).append("\" alt=\"")
                    .append(Report.Html.escape(alt)).append("\" width=\"").append(Plots.WIDTH).append("\"></figure>\n");
        }

        String markdown() {
            return markdown.toString();
        }

        String html(String title) {
            Report.Html page = new Report.Html();
            page.head(title);
            page.raw(html.toString());
            page.raw("</main></body></html>\n");
            return page.toString();
        }

        private static String cell(String text) {
            return text.replace("|", "\\|").replace("\n", " ");
        }

        /** Escapes HTML, then renders **bold** and `code`. */
        private static String inline(String text) {
            String escaped = Report.Html.escape(text);
            escaped = escaped.replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
            return escaped.replaceAll("`(.+?)`", "<code>$1</code>");
        }
    }
}

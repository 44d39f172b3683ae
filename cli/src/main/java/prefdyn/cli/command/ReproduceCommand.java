package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.ParseResult;
import prefdyn.cli.base.UserError;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.demo.DemoSize;
import prefdyn.cli.reproduce.Reproduction;
import prefdyn.cli.reproduce.SeedSettings;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.cli.run.DataRules;
import prefdyn.cli.run.GPasses;
import prefdyn.datasets.PairRules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn reproduce}: the options of {@link Reproduction} (the demo's experiment over several seeds and the
 * paper's claims tested across them), in one process, or as a {@code --plan} of one command line per seed for a
 * scheduler, each an {@code --only-seed} run, and a {@code --merge} of the finished seed directories.
 *
 * <p>Each seed is a complete demo directory {@code <out>/seed-<s>/} (open it with {@code prefdyn report}). A seed
 * directory that finished with the same settings is reused, so an interrupted reproduction picks up where it
 * stopped and {@code --findings} can be re-rendered without training; {@code --force} starts every seed afresh.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run DPO and PPO with their ablations over several seeds on IMDb and test each of the paper's "
                + "claims across seeds: statistic, 95%% interval, plots and a verdict (supported, contradicted, "
                + "mixed or undecided), written to findings.md and findings.html.",
                "Default: 5 seeds x 10 runs at the demo's default size; --size tiny with two seeds and two runs is a "
                + "pipeline check of about a minute.",
                "Across machines: --plan prints one command line per seed (run them with GNU parallel, a SLURM job "
                + "array, ...), then --merge <out>/seed-* writes the findings."})
public final class ReproduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", defaultValue = "runs/reproduce", paramLabel = "DIR",
            description = "Directory of the seed runs and the findings. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--findings", paramLabel = "FILE",
            description = "Where to write the findings page (Markdown; its plots go to images/findings/ beside it). "
                    + "Default: <out>/findings.md. The repository's copy is docs/findings.md.")
    Path findings;

    @Option(names = "--force", description = "Recompute every seed even where a finished seed directory exists.")
    boolean force;

    @Option(names = "--seeds", defaultValue = "5", description = "Number of seeds (at least 2 for an interval). "
            + "Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "Seeds are first-seed, first-seed+1, ... "
            + "Default: ${DEFAULT-VALUE}.")
    long firstSeed;

    @Option(names = "--size", defaultValue = "default",
            description = "Sizes of each seed's runs: default (the demo's), study (longer runs with at least 21 G "
                    + "points each, meant to decide claims 1 and 2; see the README for its estimated time per seed) or "
                    + "tiny (seconds; a pipeline check). Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--runs", split = ",", paramLabel = "RUN",
            description = "Runs per seed (comma-separated). Default: all of dpo/standard, dpo/positive-only, "
                    + "dpo/negative-only, dpo/unweighted, dpo/controlled, dpo/coordinated, ppo/standard, "
                    + "ppo/positive-only, ppo/negative-only, ppo/controlled; grpo/standard and rloo/standard may be "
                    + "added. Claims whose runs are missing are reported as not tested.")
    List<String> runs;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Start model and reference. Default: the size's committed model (default and study: "
                    + "committed-start, the BPE start model that writes English; tiny: committed-sft, the byte-level "
                    + "model).")
    String checkpoint;

    @Option(names = "--jobs", description = "Runs trained side by side. Default: the number of cores.")
    Integer jobs;

    @Option(names = "--engine", defaultValue = "vector",
            description = "vector (float32 Vector API, CPU; about 3x faster than the reference here), reference "
                    + "(the float64 reference) or accelerated (float32 OpenCL twin). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--g-passes", defaultValue = GPasses.EVERY, paramLabel = "every|linear",
            description = GPasses.DESCRIPTION + " A finished seed is reused only if it was measured the same way.")
    String gPasses;

    @Option(names = ComponentNorms.OPTION, description = ComponentNorms.DESCRIPTION
            + " A finished seed is reused only if it was trained the same way.")
    boolean componentNorms;

    @Option(names = DataRules.OPTION, defaultValue = "trl", paramLabel = "trl|prefdyn-v1",
            description = DataRules.DESCRIPTION + " A finished seed is reused only if its pairs were made the same way.")
    String dataRules;

    @Option(names = "--plan", description = "Print one self-contained command line per seed (a --only-seed run with "
            + "every setting spelled out) for GNU parallel, a SLURM job array or any scheduler, and nothing else; "
            + "<out> is prepared so that --merge can write the findings into it.")
    boolean plan;

    @Option(names = "--only-seed", paramLabel = "SEED", description = "Run (or reuse, or continue) only the seed "
            + "directory <out>/seed-<SEED>, without the findings and without touching the rest of <out>, so seeds can "
            + "run side by side on other machines: what each --plan line does.")
    Long onlySeed;

    @Option(names = "--merge", arity = "1..*", paramLabel = "DIR",
            description = "Merge these finished seed directories (same settings and code, distinct seeds) and write "
                    + "the findings into <out> (or --findings); the settings come from the directories.")
    List<Path> merge;

    @Override
    public Integer call() throws Exception {
        ParseResult parsed = spec.commandLine().getParseResult();
        if ((plan ? 1 : 0) + (onlySeed != null ? 1 : 0) + (merge != null ? 1 : 0) > 1) {
            throw new UserError("--plan, --only-seed and --merge exclude each other; choose one");
        }
        Reproduction.Request request = merge != null ? mergeRequest(parsed) : seedsRequest(parsed);
        Reproduction.run(request, spec.commandLine().getOut(), common.quiet);
        return ExitCode.OK;
    }

    /** --merge: the seed directories say what they are, so no setting may be given beside them. */
    private Reproduction.Request mergeRequest(ParseResult parsed) {
        for (String setting : List.of("--seeds", "--first-seed", "--size", "--runs", "--checkpoint", "--engine",
                "--g-passes", ComponentNorms.OPTION, DataRules.OPTION, "--jobs", "--force")) {
            if (parsed.hasMatchedOption(setting)) {
                throw new UserError("--merge takes its settings from the seed directories; drop " + setting);
            }
        }
        return new Reproduction.Request(Reproduction.Mode.MERGE, out, findings, false, List.of(), null, null, merge);
    }

    /** Every seed here, --plan or --only-seed: the seeds and the settings they share, from the options. */
    private Reproduction.Request seedsRequest(ParseResult parsed) {
        if (plan && parsed.hasMatchedOption("--findings")) {
            throw new UserError("--plan prints the seeds' command lines; --merge writes the findings: drop --findings");
        }
        if (onlySeed != null) {
            for (String setting : List.of("--seeds", "--first-seed", "--findings")) {
                if (parsed.hasMatchedOption(setting)) {
                    throw new UserError("--only-seed runs one seed and writes no findings; drop " + setting);
                }
            }
        }
        if (seeds < 1) {
            throw new UserError("--seeds must be at least 1, got " + seeds);
        }
        List<Long> seedList = new ArrayList<>();
        if (onlySeed != null) {
            seedList.add(onlySeed);
        } else {
            for (int i = 0; i < seeds; i++) {
                seedList.add(firstSeed + i);
            }
        }
        SeedSettings settings = new SeedSettings(size, runs == null || runs.isEmpty() ? DemoRuns.PAPER_RUNS : runs,
                checkpoint == null ? DemoSize.of(size).startModel() : checkpoint, engine, GPasses.parse(gPasses),
                componentNorms,
                DataRules.parse(dataRules) == PairRules.Kind.TRL ? PairRules.trl() : PairRules.prefdynV1());
        Reproduction.Mode mode = plan ? Reproduction.Mode.PLAN
                : onlySeed != null ? Reproduction.Mode.ONLY_SEED : Reproduction.Mode.ALL;
        return new Reproduction.Request(mode, out, findings, force, seedList, settings, jobs, List.of());
    }
}

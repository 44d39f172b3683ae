package prefdyn.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import prefdyn.cli.demo.Demo;
import prefdyn.cli.demo.DemoRuns;
import prefdyn.cli.demo.DemoSize;
import prefdyn.cli.run.GPasses;
import prefdyn.cli.run.ComponentNorms;
import prefdyn.cli.run.DataRules;
import prefdyn.datasets.PairRules;
import prefdyn.reference.dynamics.GradientAlignment.ComponentPasses;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code prefdyn demo}, the main job: from the committed SFT checkpoint and the IMDb sample, on-policy pairs, DPO
 * and PPO with their main ablations (short and seeded), each through the two-pass G analysis with probes, win
 * rates against the SFT model, and a report. Its options; what runs and prints is {@link Demo}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the paper's analysis on IMDb in minutes and write a report: on-policy pairs from the SFT "
                + "model, DPO (standard, positive-only, negative-only, unweighted) and PPO (standard, positive-only), "
                + "G(t) with its positive/negative and tertile split against the final responses, likelihood "
                + "displacement, reward and KL, win rates against the SFT model with 95%% intervals.",
                "The default size takes under five minutes on two cores; it is a demonstration, not a full run."})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Run directory to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--force", description = "Replace an existing or interrupted demo directory (never one in use).")
    boolean force;

    @Option(names = "--resume", description = "Continue an interrupted demo: runs already complete with the same "
            + "settings are kept, the others computed again (with the same bytes).")
    boolean resume;

    @Option(names = "--size", defaultValue = "default",
            description = "default (under 5 minutes on 2 cores), study (longer runs, at least 21 G points each, meant "
                    + "for reproduce; see the README for its estimated time) or tiny (seconds; for tests). "
                    + "Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of everything. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Start model and reference. Default: the size's committed model (default and study: "
                    + "committed-start, the BPE start model that writes English; tiny: committed-sft, the byte-level "
                    + "model).")
    String checkpoint;

    @Option(names = "--runs", split = ",", paramLabel = "RUN",
            description = "Only these runs (comma-separated), from: dpo/standard, dpo/positive-only, dpo/negative-only, "
                    + "dpo/unweighted, dpo/controlled, dpo/coordinated, ppo/standard, ppo/positive-only, "
                    + "ppo/negative-only, ppo/controlled, grpo/standard, rloo/standard, and the DPO family's other "
                    + "losses at the standard variant: hinge/standard, ipo/standard, conservative/standard, "
                    + "robust/standard, simpo/standard, apo_zero/standard, nca_pair/standard, bpo/standard. "
                    + "Default: the first four DPO and first two PPO runs.")
    List<String> runs;

    @Option(names = "--jobs", description = "Runs trained side by side. Default: the number of cores.")
    Integer jobs;

    @Option(names = "--engine", defaultValue = "vector",
            description = "vector (float32 Vector API, CPU; about 3x faster than the reference here), reference "
                    + "(the float64 reference) or accelerated (float32 OpenCL twin). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--g-passes", defaultValue = GPasses.EVERY, paramLabel = "every|linear",
            description = GPasses.DESCRIPTION)
    String gPasses;

    @Option(names = ComponentNorms.OPTION, description = ComponentNorms.DESCRIPTION)
    boolean componentNorms;

    @Option(names = DataRules.OPTION, defaultValue = "trl", paramLabel = "trl|prefdyn-v1",
            description = DataRules.DESCRIPTION + "")
    String dataRules;

    @Override
    public Integer call() throws Exception {
        if (checkpoint == null) {
            checkpoint = DemoSize.of(size).startModel();
        }
        List<String> selected = runs == null || runs.isEmpty() ? DemoRuns.DEMO_RUNS : runs;
        int parallelJobs = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        ComponentPasses passes = GPasses.parse(gPasses);
        PairRules rules = DataRules.parse(dataRules) == PairRules.Kind.TRL ? PairRules.trl() : PairRules.prefdynV1();
        String command = "prefdyn demo --size " + size + " --seed " + seed + " --engine " + engine
                + (passes == ComponentPasses.EVERY_COMPONENT ? "" : " --g-passes " + GPasses.name(passes))
                + ComponentNorms.commandSuffix(componentNorms) + DataRules.commandSuffix(rules);
        DemoRuns.Request request = new DemoRuns.Request(out, force, resume, DemoSize.of(size), seed, checkpoint,
                selected, parallelJobs, engine, new DemoRuns.Passes(passes, componentNorms), rules, command);
        Demo.run(request, spec.commandLine().getOut(), common.quiet);
        return ExitCode.OK;
    }
}

package prefdyn.cli.grad;

import prefdyn.cli.base.Threads;
import prefdyn.cli.base.UserError;
import prefdyn.cli.engine.Engines;
import prefdyn.cli.experiment.Experiment;
import prefdyn.cli.run.DataRules;
import prefdyn.cli.run.DpoLossSettings;
import prefdyn.datasets.PairEncoder;
import prefdyn.datasets.PairRules;
import prefdyn.reference.checkpoint.LoadedCheckpoint;
import prefdyn.reference.dpo.DpoSettings;
import prefdyn.reference.dpo.PreferenceExample;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prefdyn grad}: the models loaded, the first pairs of the file encoded by the pair rules, one DPO step
 * computed and written with its provenance ({@link GradDump}), and one line saying what was written.
 */
public final class GradRun {

    private GradRun() {
    }

    /** Computes and writes the step {@code settings} names, printing its line to {@code stdout}. */
    public static void run(GradSettings settings, PrintWriter stdout) throws IOException {
        String checkpoint = settings.checkpoint();
        String reference = settings.reference();
        LoadedCheckpoint policy = Engines.load(checkpoint);
        LoadedCheckpoint ref = Engines.load(reference == null ? checkpoint : reference);
        PairRules rules = DataRules.parse(settings.dataRules()) == PairRules.Kind.TRL ? PairRules.trl()
                : PairRules.prefdynV1();
        PairEncoder.Result encoded = Experiment.readPairFile(settings.pairs(), policy.tokenizer(),
                policy.config().contextLength(), rules);
        List<PreferenceExample> all = encoded.examples();
        if (all.isEmpty()) {
            throw new UserError(settings.pairs() + " holds no usable pair (" + encoded.counts().summary() + ")");
        }
        List<PreferenceExample> used = all.subList(0, Math.min(settings.maxPairs(), all.size()));
        double beta = settings.beta();
        DpoLossSettings loss = DpoLossSettings.fromOptions(settings.lossType(), beta, settings.labelSmoothing(),
                settings.simpoGamma(), settings.bpoAlpha());
        DpoSettings dpo;
        try {
            dpo = GradDump.settings(beta).withLossType(loss.lossType(), loss.labelSmoothing())
                    .withSimpoGamma(loss.simpoGamma()).withBpoAlpha(loss.bpoAlpha());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        try (Parallel parallel = new Parallel(Threads.resolve(settings.threads()))) {
            GradDump.Result result = GradDump.compute(policy, ref, used, dpo, parallel);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("checkpoint", checkpoint);
            metadata.put("reference", reference == null ? checkpoint : reference);
            metadata.put("pairs_file", settings.pairs().toString());
            metadata.put("data_rules", rules.kind().cliName());
            metadata.put("pair_data", prefdyn.reference.util.JsonFiles.write(encoded.counts().toJson()));
            GradDump.write(result, dpo, settings.out(), metadata);
            stdout.printf(Locale.ROOT, "%d of %d pairs, loss %.17g; wrote %s%n", used.size(), all.size(),
                    result.terms().loss(), settings.out());
        }
    }
}

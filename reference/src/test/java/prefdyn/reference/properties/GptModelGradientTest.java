package prefdyn.reference.properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.fixtures.RandomBatches;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.model.GptModel;
import prefdyn.reference.model.TensorView;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole model's backward against central differences over every parameter ({@code docs/architecture.md}, "Testing:
 * layers of oracles"): random small configs with both heads, noisy parameters, ragged batches with padding, and random
 * seeds on every output.
 */
class GptModelGradientTest {

    /**
     * The loss is smooth in every parameter; with parameters of scale ≲ 1 the third derivatives stay O(10), so
     * truncation h²·|L'''|/6 ≈ 1e-9, and the round-off ε·|L|/h ≈ 1e-10 for |L| ≈ 10.
     */
    private static final double STEP = 1e-5;
    private static final double RELATIVE_TOLERANCE = 1e-6;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void backwardMatchesCentralDifferencesOverAllParameters(long seed) {
        Random random = new Random(seed);
        GptConfig config = ModelFixtures.randomConfig(random);
        GptModel model = ModelFixtures.randomModel(config, Parallel.sequential(), seed, 0.3);
        TokenBatch batch = RandomBatches.raggedBatch(random, config.vocabSize(), 1 + random.nextInt(3), 6);
        BackwardSeeds seeds = RandomBatches.seeds(random, batch, config);

        model.zeroGradients();
        model.forward(batch);
        model.backward(seeds);
        double[] analytic = model.gradients().clone();

        double[] params = model.parameters();
        double[] numeric = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            double saved = params[i];
            double up = saved + STEP;
            double down = saved - STEP;
            params[i] = up;
            double plus = ModelFixtures.loss(model.forward(batch), seeds);
            params[i] = down;
            double minus = ModelFixtures.loss(model.forward(batch), seeds);
            params[i] = saved;
            numeric[i] = (plus - minus) / (up - down);
        }

        double scale = 1.0;
        for (double value : numeric) {
            scale = Math.max(scale, Math.abs(value));
        }
        double error = 0;
        String worst = "";
        for (TensorView view : model.layout().tensors()) {
            for (int i = view.offset(); i < view.end(); i++) {
                double difference = Math.abs(analytic[i] - numeric[i]);
                if (difference > error) {
                    error = difference;
                    worst = view.name() + "[" + (i - view.offset()) + "]";
                }
            }
        }
        report(config, batch, error, scale);
        assertThat(error)
                .as("%s: max |analytic − numeric| = %s at %s, allowed %s", config, error, worst,
                        RELATIVE_TOLERANCE * scale)
                .isLessThanOrEqualTo(RELATIVE_TOLERANCE * scale);
    }

    /** Quiet unless {@code -Dprefdyn.fd.report=FILE}: then appends the observed error (as the layer tests do). */
    private static void report(GptConfig config, TokenBatch batch, double error, double scale) {
        String file = System.getProperty("prefdyn.fd.report");
        if (file == null || file.isEmpty()) {
            return;
        }
        String line = String.format(Locale.ROOT, "GptModel %s B=%d W=%d\t%.3e\t%.3e\t%.3e%n", config,
                batch.batchSize(), batch.width(), error, scale, error / scale);
        try {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package prefdyn.datasets;

import org.junit.jupiter.api.Test;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.util.Parallel;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrainImdbSftTest {

    /** A short SFT run on the committed sample is bit-identical across two runs with different thread counts. */
    @Test
    void shortSftRunIsBitIdenticalAcrossRunsAndThreadCounts() {
        double[] first = run(1);
        double[] second = run(2);
        assertThat(second).containsExactly(first);
    }

    /** From the uniform-ish start (≈ ln 257 ≈ 5.55 nats per byte), a few steps on real reviews lower the loss. */
    @Test
    void lossFallsOnRealReviews() {
        try (Parallel parallel = new Parallel(2)) {
            ReferenceEngine engine = ReferenceEngine.initialized(ImdbModels.SFT_CONFIG, 1, parallel);
            Map<String, Object> last = TrainImdbSft.train(engine, 40, 4, 3e-3, 1, null);
            assertThat((double) last.get("loss")).isLessThan(4.0);
        }
    }

    private static double[] run(int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            ReferenceEngine engine = ReferenceEngine.initialized(ImdbModels.SFT_CONFIG, 1, parallel);
            TrainImdbSft.train(engine, 3, 2, 3e-3, 1, null);
            double[] params = new double[engine.layout().size()];
            engine.copyParametersTo(params);
            return params;
        }
    }
}

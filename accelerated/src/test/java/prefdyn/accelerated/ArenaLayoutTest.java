package prefdyn.accelerated;

import org.junit.jupiter.api.Test;
import prefdyn.reference.model.GptConfig;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arenas hold every tensor in its own range: no two activations (or two activation gradients) overlap, and all
 * lie within the layout's size. Needs no OpenCL device.
 */
class ArenaLayoutTest {

    private static final GptConfig CONFIG = new GptConfig(11, 8, 2, 2, 6, true, true);

    /** [start, end) of every tensor of the activation arena, with its size from the shapes. */
    private static List<int[]> activationRanges(ActivationLayout a, int base) {
        int B = a.batchSize;
        int T = a.width;
        int C = CONFIG.channels();
        int N = B * T;
        int H = CONFIG.numHeads();
        int V = CONFIG.vocabSize();
        List<int[]> ranges = new ArrayList<>();
        ranges.add(range(a.encoded, N * C));
        for (int l = 0; l < CONFIG.numLayers(); l++) {
            ranges.add(range(a.ln1[l], N * C));
            ranges.add(range(a.ln1Mean[l], N));
            ranges.add(range(a.ln1Rstd[l], N));
            ranges.add(range(a.qkv[l], N * 3 * C));
            ranges.add(range(a.att[l], B * H * T * T));
            ranges.add(range(a.attOut[l], N * C));
            ranges.add(range(a.attProj[l], N * C));
            ranges.add(range(a.afterAttention[l], N * C));
            ranges.add(range(a.ln2[l], N * C));
            ranges.add(range(a.ln2Mean[l], N));
            ranges.add(range(a.ln2Rstd[l], N));
            ranges.add(range(a.fc[l], N * 4 * C));
            ranges.add(range(a.fcGelu[l], N * 4 * C));
            ranges.add(range(a.fcProj[l], N * C));
            ranges.add(range(a.blockOutput[l], N * C));
        }
        ranges.add(range(a.lnf, N * C));
        ranges.add(range(a.lnfMean, N));
        ranges.add(range(a.lnfRstd, N));
        if (a.withHeads) {
            ranges.add(range(a.logits, N * V));
            ranges.add(range(a.logProbs, N * V));
            for (int output : new int[] {a.tokenLogProbs, a.entropies, a.maxProbs, a.values, a.rewards}) {
                ranges.add(range(output, N));
            }
        } else {
            ranges.add(range(a.lastPositions, B * C));
            ranges.add(range(a.logits, B * V));
            ranges.add(range(a.logProbs, B * V));
        }
        for (int[] r : ranges) {
            assertThat(r[0]).isGreaterThanOrEqualTo(base);
            assertThat(r[1]).isLessThanOrEqualTo(a.end);
        }
        return ranges;
    }

    private static int[] range(int start, int size) {
        return new int[] {start, start + size};
    }

    private static void assertDisjoint(List<int[]> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                int[] a = ranges.get(i);
                int[] b = ranges.get(j);
                assertThat(a[1] <= b[0] || b[1] <= a[0]).as("ranges %d and %d overlap", i, j).isTrue();
            }
        }
    }

    @Test
    void activationsOfOneBatchOccupyDisjointRangesFromTheBase() {
        ActivationLayout layout = new ActivationLayout(CONFIG, 3, 7, 1000);
        List<int[]> ranges = activationRanges(layout, 1000);
        assertDisjoint(ranges);
        int total = ranges.stream().mapToInt(r -> r[1] - r[0]).sum();
        assertThat(layout.end - layout.base).as("no gaps, nothing missing").isEqualTo(total);
        assertThat(layout.blockInput(0)).isEqualTo(layout.encoded);
        assertThat(layout.blockInput(1)).isEqualTo(layout.blockOutput[0]);
        assertThat(layout.lnfInput()).isEqualTo(layout.blockOutput[1]);
    }

    @Test
    void aSamplingLayoutHoldsTheBlocksAndTheHeadsOfTheLastPositionsOnly() {
        ActivationLayout training = new ActivationLayout(CONFIG, 3, 7, 1000);
        ActivationLayout sampling = new ActivationLayout(CONFIG, 3, 7, 1000, false);
        List<int[]> ranges = activationRanges(sampling, 1000);
        assertDisjoint(ranges);
        int total = ranges.stream().mapToInt(r -> r[1] - r[0]).sum();
        assertThat(sampling.end - sampling.base).as("no gaps, nothing missing").isEqualTo(total);
        assertThat(sampling.lnf).as("the blocks sit where a training forward has them").isEqualTo(training.lnf);
        int B = 3;
        int N = 21;
        int V = CONFIG.vocabSize();
        int C = CONFIG.channels();
        assertThat(training.end - sampling.end).as("the heads at B rows, not at B·T, and no per-token outputs")
                .isEqualTo(2 * N * V + 5 * N - (B * C + 2 * B * V));
        assertThat(sampling.outputs).isEqualTo(-1);
        assertThat(training.lastPositions).isEqualTo(-1);
    }

    @Test
    void gradientArenaTensorsAreDisjointAndFillItsSize() throws IllegalAccessException {
        GradientLayout g = new GradientLayout(CONFIG, 3, 7);
        int N = 21;
        int C = CONFIG.channels();
        List<int[]> ranges = new ArrayList<>();
        ranges.add(range(g.dTokenLogProbs, N));
        ranges.add(range(g.dValues, N));
        ranges.add(range(g.dRewards, N));
        ranges.add(range(g.dlogProbs, N * CONFIG.vocabSize()));
        ranges.add(range(g.dlogits, N * CONFIG.vocabSize()));
        ranges.add(range(g.dlnf, N * C));
        ranges.add(range(g.dlnfInput, N * C));
        for (Field field : GradientLayout.class.getDeclaredFields()) {
            if (field.getType() == int[].class) {
                int width = switch (field.getName()) {
                    case "dfcGelu", "dfc" -> 4 * C;
                    case "dqkv" -> 3 * C;
                    default -> C;
                };
                for (int start : (int[]) field.get(g)) {
                    ranges.add(range(start, N * width));
                }
            }
        }
        ranges.add(range(g.attentionScratch, 3 * CONFIG.numHeads() * 7 * 7));
        assertDisjoint(ranges);
        assertThat(ranges.stream().mapToInt(r -> r[1]).max().orElseThrow()).isEqualTo(g.size);
        assertThat(ranges.stream().mapToInt(r -> r[1] - r[0]).sum()).isEqualTo(g.size);
    }
}

package prefdyn.reference.util;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TertilesTest {

    @Test
    void knownAnswerWithTiesBrokenByIndex() {
        assertThat(Tertiles.assign(new double[] {5, 1, 3, 3, 9, 0})).containsExactly(2, 0, 1, 1, 2, 0);
        assertThat(Tertiles.assign(new double[] {2, 2, 2, 2})).containsExactly(0, 0, 1, 2);
        assertThat(Tertiles.assign(new double[] {7})).containsExactly(0);
    }

    /** Every index lands in exactly one group, sizes differ by at most one, and groups are ordered by value. */
    @Property(tries = 200, seed = "42")
    void tertilesPartitionExactlyAndRespectOrder(@ForAll @Size(min = 1, max = 40)
                                                 List<@DoubleRange(min = -5, max = 5) Double> list) {
        double[] values = list.stream().mapToDouble(Double::doubleValue).toArray();
        int[] groups = Tertiles.assign(values);
        int[] sizes = new int[3];
        for (int group : groups) {
            sizes[group]++;
        }
        assertThat(sizes[0] + sizes[1] + sizes[2]).isEqualTo(values.length);
        int max = Math.max(sizes[0], Math.max(sizes[1], sizes[2]));
        int min = Math.min(sizes[0], Math.min(sizes[1], sizes[2]));
        assertThat(max - min).isLessThanOrEqualTo(1);
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values.length; j++) {
                if (groups[i] < groups[j]) {
                    assertThat(values[i]).isLessThanOrEqualTo(values[j]);
                }
            }
        }
    }
}

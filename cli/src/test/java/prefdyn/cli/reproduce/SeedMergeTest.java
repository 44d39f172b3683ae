package prefdyn.cli.reproduce;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fields by which seed directories of one reproduction must agree, read as their configs mean them. */
class SeedMergeTest {

    private static Map<String, Object> demoConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", "demo");
        config.put("prefdyn_version", "0.1.0-SNAPSHOT");
        config.put("commit", "0123456789ab");
        config.put("seed", 3L);
        config.put("checkpoint", "committed-sft");
        config.put("engine", "vector");
        config.put("g_passes", "every");
        config.put("component_norms", false);
        config.put("data_rules", "prefdyn-v1");
        config.put("jobs", 2L);
        config.put("machine", "2 cores");
        config.put("runs", List.of("dpo/standard"));
        config.put("sizes", Map.of("size", "tiny", "win-rate prompts x tokens", "4 x 6"));
        return config;
    }

    @Test
    void seedJobsAndMachineMayDifferButNoSettingOrCodeMay() {
        Map<String, Object> other = demoConfig();
        other.put("seed", 4L);
        other.put("jobs", 16L);
        other.put("machine", "16 cores");
        assertThat(SeedMerge.firstDifference(SeedMerge.comparedFields(demoConfig()), SeedMerge.comparedFields(other)))
                .isNull();
        for (String field : List.of("prefdyn_version", "commit", "checkpoint", "engine")) {
            Map<String, Object> changed = demoConfig();
            changed.put(field, "something else");
            assertThat(SeedMerge.firstDifference(SeedMerge.comparedFields(demoConfig()),
                    SeedMerge.comparedFields(changed))).isEqualTo(field);
        }
        Map<String, Object> sizes = demoConfig();
        sizes.put("sizes", Map.of("size", "tiny", "win-rate prompts x tokens", "8 x 6"));
        assertThat(SeedMerge.firstDifference(SeedMerge.comparedFields(demoConfig()), SeedMerge.comparedFields(sizes)))
                .isEqualTo("sizes.win-rate prompts x tokens");
        Map<String, Object> runs = demoConfig();
        runs.put("runs", List.of("dpo/standard", "ppo/standard"));
        assertThat(SeedMerge.firstDifference(SeedMerge.comparedFields(demoConfig()), SeedMerge.comparedFields(runs)))
                .isEqualTo("runs");
    }

    @Test
    void anAbsentFieldReadsAsTheValueItMeant() {
        // Written before the fields existed: one pass per component, two passes per update, prefdyn-v1 pairs.
        Map<String, Object> older = demoConfig();
        older.remove("g_passes");
        older.remove("component_norms");
        older.remove("data_rules");
        Map<String, Object> explicit = demoConfig();
        explicit.put("component_norms", true);
        assertThat(SeedMerge.firstDifference(SeedMerge.comparedFields(older), SeedMerge.comparedFields(explicit)))
                .isNull();
        assertThat(SeedMerge.firstDifference(SeedMerge.comparedFields(older), SeedMerge.comparedFields(demoConfig())))
                .isEqualTo("component_norms");
    }
}

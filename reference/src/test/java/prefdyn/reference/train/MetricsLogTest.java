package prefdyn.reference.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.reference.util.JsonFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsLogTest {

    @Test
    void writesOneJsonObjectPerStep(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.write(1, Map.of("loss", 0.5));
            log.write(2, Map.of("loss", 0.25));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(JsonFiles.parseObject(lines.get(1))).containsEntry("step", 2L).containsEntry("loss", 0.25);
    }

    @Test
    void resumingCutsAPartialLastLineAndKeepsCompleteOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"lo", StandardCharsets.UTF_8);

        try (MetricsLog log = MetricsLog.open(file)) {
            log.write(2, Map.of("loss", 0.4));
        }

        assertThat(Files.readAllLines(file)).containsExactly("{\"step\":1,\"loss\":0.5}", "{\"step\":2,\"loss\":0.4}");
    }

    @Test
    void refusesNonFiniteMetricsNamingTheStep(@TempDir Path dir) {
        try (MetricsLog log = MetricsLog.open(dir.resolve("m.jsonl"))) {
            assertThatThrownBy(() -> log.write(7, Map.of("loss", Double.NaN)))
                    .hasMessageContaining("loss").hasMessageContaining("step 7");
        }
    }
}

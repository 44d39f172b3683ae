package prefdyn.oracle;

import prefdyn.accelerated.check.Comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the worst comparison of each quantity over the whole run, so the measured errors behind
 * {@code Tolerances} can be read off {@code target/measured-errors.txt} after {@code ./mvnw verify}.
 */
final class ErrorLedger {

    private static final Map<String, Comparison> WORST = new LinkedHashMap<>();

    private ErrorLedger() {
    }

    /** Records a comparison under its quantity name, keeping the worst one (largest share of its bound used). */
    static synchronized void record(Comparison comparison) {
        String key = comparison.quantity();
        Comparison previous = WORST.get(key);
        if (previous == null || ratio(comparison) > ratio(previous)) {
            WORST.put(key, comparison);
        }
    }

    private static double ratio(Comparison comparison) {
        double bound = comparison.tolerance().bound(comparison.scale());
        return bound > 0 ? comparison.maxError() / bound : comparison.maxError();
    }

    static synchronized void writeReport() {
        if (WORST.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("# worst twin-vs-reference error per quantity over this run; see Tolerances for the bounds");
        lines.add(String.format("%-58s %11s %11s %11s %11s %9s", "quantity", "max|Δ|", "max|ref|", "|Δ|/max|ref|",
                "allowed", "used"));
        for (Comparison c : WORST.values()) {
            double bound = c.tolerance().bound(c.scale());
            lines.add(String.format("%-58s %11.3g %11.3g %11.3g %11.3g %8.1f%%", c.quantity(), c.maxError(), c.scale(),
                    c.relativeError(), bound, bound > 0 ? 100 * c.maxError() / bound : 0));
        }
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            Files.write(target.resolve("measured-errors.txt"), lines);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write target/measured-errors.txt", e);
        }
    }
}

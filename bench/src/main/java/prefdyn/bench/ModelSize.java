package prefdyn.bench;

import prefdyn.reference.model.GptConfig;

/**
 * The two model sizes every benchmark runs at, by the name its {@code config} parameter takes.
 *
 * <ul>
 *   <li>{@code default}: {@link GptConfig#tinyDefault()}, V = 257, C = 64, L = 2, H = 4, T = 64.</li>
 *   <li>{@code 4x}: C = 128 with H = 8 (the same head width, 16), everything else as the default. Every block
 *       matrix has 4× the parameters, so the per-token matmul work of the blocks is 4×; the tied embedding
 *       (V × C) only doubles, so the whole model has 3.6× the parameters (438,017 against 120,705) and 3.6× the
 *       FLOPs per token of the benchmarked step (2,655,232 against 737,792; see
 *       {@link prefdyn.reference.model.FlopCount}).</li>
 * </ul>
 * Both run a batch of {@link #BATCH} sequences of the full context T = 64, so N = B·T = 512 rows.
 */
public enum ModelSize {
    DEFAULT("default", GptConfig.tinyDefault()),
    FOUR_X("4x", new GptConfig(257, 64, 2, 8, 128, true, false));

    /** Sequences per batch (B). */
    public static final int BATCH = 8;

    private final String label;
    private final GptConfig config;

    ModelSize(String label, GptConfig config) {
        this.label = label;
        this.config = config;
    }

    /** The name used by the benchmarks' {@code config} parameter. */
    public String label() {
        return label;
    }

    public GptConfig config() {
        return config;
    }

    /** Rows of every activation matrix: B·T. */
    public int rows() {
        return BATCH * config.contextLength();
    }

    /** The size named {@code label} ({@code default} or {@code 4x}). */
    public static ModelSize of(String label) {
        for (ModelSize size : values()) {
            if (size.label.equals(label)) {
                return size;
            }
        }
        throw new IllegalArgumentException("unknown model size '" + label + "'; expected default or 4x");
    }
}

package prefdyn.bench;

import prefdyn.reference.model.GptConfig;

/**
 * The matrix products of one forward pass, as [N, I] · [I, O] (the LM head: [N, C] · [V, C]ᵀ), with N = B·T rows.
 * The four linear shapes occur once per block; the LM head once per model.
 */
public enum MatmulShape {
    /** attn.c_attn: [N, C] · [C, 3C]. */
    QKV("qkv"),
    /** attn.c_proj: [N, C] · [C, C]. */
    ATTN_PROJ("attn-proj"),
    /** mlp.c_fc: [N, C] · [C, 4C]. */
    FC("fc"),
    /** mlp.c_proj: [N, 4C] · [4C, C]. */
    FC_PROJ("fc-proj"),
    /** the tied LM head: logits = [N, C] · wteᵀ, wte [V, C]. */
    LM_HEAD("lm-head");

    private final String label;

    MatmulShape(String label) {
        this.label = label;
    }

    /** The name used by the benchmarks' {@code shape} parameter. */
    public String label() {
        return label;
    }

    /** Columns of the input (the inner dimension of the product). */
    public int in(GptConfig config) {
        int C = config.channels();
        return this == FC_PROJ ? 4 * C : C;
    }

    /** Columns of the output. */
    public int out(GptConfig config) {
        int C = config.channels();
        return switch (this) {
            case QKV -> 3 * C;
            case ATTN_PROJ, FC_PROJ -> C;
            case FC -> 4 * C;
            case LM_HEAD -> config.vocabSize();
        };
    }

    /** The name of the weight tensor in block 0 (or {@code wte.weight}) inside {@code ParameterLayout}. */
    public String weightName() {
        return switch (this) {
            case QKV -> "attn.c_attn.weight";
            case ATTN_PROJ -> "attn.c_proj.weight";
            case FC -> "mlp.c_fc.weight";
            case FC_PROJ -> "mlp.c_proj.weight";
            case LM_HEAD -> "wte.weight";
        };
    }

    public static MatmulShape of(String label) {
        for (MatmulShape shape : values()) {
            if (shape.label.equals(label)) {
                return shape;
            }
        }
        throw new IllegalArgumentException("unknown matmul shape '" + label
                + "'; expected qkv, attn-proj, fc, fc-proj or lm-head");
    }
}

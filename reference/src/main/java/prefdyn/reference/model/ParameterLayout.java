package prefdyn.reference.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every named tensor of a {@link GptConfig} lives inside one flat {@code double[]} of parameters. The
 * gradient array has the same layout, so a parameter and its gradient share an offset.
 *
 * <p>Names and layouts are Hugging Face GPT-2's ({@code GPT2LMHeadModel} without the tied {@code lm_head}):
 * <pre>
 *   wte.weight                 [V, C]      token embedding (also the tied LM head)
 *   wpe.weight                 [T, C]      position embedding
 *   h.{l}.ln_1.weight/bias     [C]
 *   h.{l}.attn.c_attn.weight   [C, 3C]     fused q,k,v projection, Conv1D layout [in, out]
 *   h.{l}.attn.c_attn.bias     [3C]
 *   h.{l}.attn.c_proj.weight   [C, C]
 *   h.{l}.attn.c_proj.bias     [C]
 *   h.{l}.ln_2.weight/bias     [C]
 *   h.{l}.mlp.c_fc.weight      [C, 4C]
 *   h.{l}.mlp.c_fc.bias        [4C]
 *   h.{l}.mlp.c_proj.weight    [4C, C]
 *   h.{l}.mlp.c_proj.bias      [C]
 *   ln_f.weight/bias           [C]
 *   v_head.summary.weight      [1, C]      value head (TRL's AutoModelForCausalLMWithValueHead name), if enabled
 *   v_head.summary.bias        [1]
 *   score.weight               [1, C]      reward head (HF GPT2ForSequenceClassification name, no bias), if enabled
 * </pre>
 * Each block's tensors are contiguous, so "the parameters of block l" is one index range (used for per-layer G).
 */
public final class ParameterLayout {

    private final GptConfig config;
    private final Map<String, TensorView> tensors;
    private final int size;

    public ParameterLayout(GptConfig config) {
        this.config = config;
        int vocab = config.vocabSize();
        int context = config.contextLength();
        int channels = config.channels();
        Builder builder = new Builder();
        builder.add("wte.weight", vocab, channels);
        builder.add("wpe.weight", context, channels);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            String prefix = "h." + layer + ".";
            builder.add(prefix + "ln_1.weight", channels);
            builder.add(prefix + "ln_1.bias", channels);
            builder.add(prefix + "attn.c_attn.weight", channels, 3 * channels);
            builder.add(prefix + "attn.c_attn.bias", 3 * channels);
            builder.add(prefix + "attn.c_proj.weight", channels, channels);
            builder.add(prefix + "attn.c_proj.bias", channels);
            builder.add(prefix + "ln_2.weight", channels);
            builder.add(prefix + "ln_2.bias", channels);
            builder.add(prefix + "mlp.c_fc.weight", channels, 4 * channels);
            builder.add(prefix + "mlp.c_fc.bias", 4 * channels);
            builder.add(prefix + "mlp.c_proj.weight", 4 * channels, channels);
            builder.add(prefix + "mlp.c_proj.bias", channels);
        }
        builder.add("ln_f.weight", channels);
        builder.add("ln_f.bias", channels);
        if (config.valueHead()) {
            builder.add("v_head.summary.weight", 1, channels);
            builder.add("v_head.summary.bias", 1);
        }
        if (config.rewardHead()) {
            builder.add("score.weight", 1, channels);
        }
        this.tensors = Collections.unmodifiableMap(builder.tensors);
        this.size = builder.next;
    }

    public GptConfig config() {
        return config;
    }

    /** Total number of parameters: the length of the flat parameter and gradient arrays. */
    public int size() {
        return size;
    }

    /** All tensors, in layout order. */
    public List<TensorView> tensors() {
        return List.copyOf(tensors.values());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor with this Hugging Face name; fails with the list of known names if there is none. */
    public TensorView tensor(String name) {
        TensorView view = tensors.get(name);
        if (view == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' in this model; known: "
                    + tensors.keySet());
        }
        return view;
    }

    /** Offset of a tensor in the flat array (shorthand for {@code tensor(name).offset()}). */
    public int offset(String name) {
        return tensor(name).offset();
    }

    /** Offset of a tensor of block {@code layer}, e.g. {@code blockOffset(0, "attn.c_attn.weight")}. */
    public int blockOffset(int layer, String nameInBlock) {
        return offset("h." + layer + "." + nameInBlock);
    }

    /**
     * The parameter groups used by per-layer breakdowns: {@code embeddings} (wte, wpe), {@code block.l} for each
     * block, {@code final_norm} (ln_f), and {@code heads} (value and reward heads, when present). Each group is
     * one contiguous index range {@code [start, end)}; together they partition {@code [0, size())}.
     */
    public List<Group> groups() {
        List<Group> groups = new ArrayList<>();
        groups.add(new Group("embeddings", 0, tensor("wpe.weight").end()));
        for (int layer = 0; layer < config.numLayers(); layer++) {
            String prefix = "h." + layer + ".";
            groups.add(new Group("block." + layer, offset(prefix + "ln_1.weight"), tensor(prefix + "mlp.c_proj.bias").end()));
        }
        int finalNormEnd = tensor("ln_f.bias").end();
        groups.add(new Group("final_norm", offset("ln_f.weight"), finalNormEnd));
        if (finalNormEnd < size) {
            groups.add(new Group("heads", finalNormEnd, size));
        }
        return groups;
    }

    /** A named, contiguous range of parameter indices {@code [start, end)}. */
    public record Group(String name, int start, int end) {
    }

    private static final class Builder {
        private final Map<String, TensorView> tensors = new LinkedHashMap<>();
        private int next;

        void add(String name, int... shape) {
            TensorView view = new TensorView(name, next, shape);
            tensors.put(name, view);
            long end = (long) next + view.size();
            if (end > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("model too large for one flat Java array: " + end + " parameters");
            }
            next = (int) end;
        }
    }
}

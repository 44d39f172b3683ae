package prefdyn.reference.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterLayoutTest {

    /** Known answer: GPT-2 small (V=50257, T=1024, L=12, H=12, C=768) has 124,439,808 parameters. */
    @Test
    void gpt2SmallHasItsPublishedParameterCount() {
        ParameterLayout layout = new ParameterLayout(new GptConfig(50257, 1024, 12, 12, 768, false, false));
        assertThat(layout.size()).isEqualTo(124_439_808);
    }

    @Test
    void tensorsTileTheFlatArrayInOrderWithHuggingFaceNamesAndShapes() {
        GptConfig config = new GptConfig(257, 16, 2, 2, 8, true, true);
        ParameterLayout layout = new ParameterLayout(config);
        int next = 0;
        for (TensorView view : layout.tensors()) {
            assertThat(view.offset()).as(view.name()).isEqualTo(next);
            next = view.end();
        }
        assertThat(next).isEqualTo(layout.size());
        assertThat(layout.tensor("h.1.attn.c_attn.weight").shape()).containsExactly(8, 24);
        assertThat(layout.tensor("h.0.mlp.c_proj.weight").shape()).containsExactly(32, 8);
        assertThat(layout.tensor("v_head.summary.weight").shape()).containsExactly(1, 8);
        assertThat(layout.tensor("score.weight").shape()).containsExactly(1, 8);
        assertThat(layout.contains("lm_head.weight")).as("the LM head is tied to wte").isFalse();
    }

    @Test
    void groupsPartitionTheParameters() {
        ParameterLayout layout = new ParameterLayout(new GptConfig(11, 8, 3, 1, 4, true, false));
        List<ParameterLayout.Group> groups = layout.groups();
        assertThat(groups).extracting(ParameterLayout.Group::name)
                .containsExactly("embeddings", "block.0", "block.1", "block.2", "final_norm", "heads");
        int next = 0;
        for (ParameterLayout.Group group : groups) {
            assertThat(group.start()).isEqualTo(next);
            next = group.end();
        }
        assertThat(next).isEqualTo(layout.size());
    }

    @Test
    void unknownTensorNameListsTheKnownOnes() {
        ParameterLayout layout = new ParameterLayout(new GptConfig(11, 8, 1, 1, 4, false, false));
        assertThatThrownBy(() -> layout.tensor("h.3.ln_1.weight"))
                .hasMessageContaining("h.3.ln_1.weight").hasMessageContaining("wte.weight");
    }

    @Test
    void configRejectsHeadsThatDoNotDivideTheWidth() {
        assertThatThrownBy(() -> new GptConfig(11, 8, 1, 3, 8, false, false))
                .hasMessageContaining("divisible by numHeads");
        assertThatThrownBy(() -> new GptConfig(11, 0, 1, 1, 8, false, false)).hasMessageContaining("contextLength");
    }
}

package prefdyn.reference.dynamics;

import prefdyn.reference.engine.BackwardSeeds;

import java.util.Map;

/**
 * The seeds of one training step's objective and of its parts, all for the same forward of the step's batch
 * D_t at θ(t) (BRIEF §4). Linearity of backward makes ∇L(total) = ∇L(positive) + ∇L(negative) = Σ_k ∇L(tertile k).
 *
 * @param total      seeds of the whole objective L
 * @param positive   seeds of positive learning (DPO: the y⁺ terms; PPO: tokens with Â &gt; 0)
 * @param negative   seeds of negative learning (DPO: the y⁻ terms; PPO: tokens with Â &lt; 0)
 * @param tertiles   [3] seeds of the bottom, middle and top reweighting group (DPO: ω tertiles of pairs; PPO:
 *                   |Â| tertiles of tokens)
 * @param statistics scalar facts about the batch worth logging beside G (e.g. mean ω, lp⁺, lp⁻)
 */
public record ComponentSeeds(BackwardSeeds total, BackwardSeeds positive, BackwardSeeds negative,
                             BackwardSeeds[] tertiles, Map<String, Double> statistics) {

    public ComponentSeeds {
        if (tertiles.length != 3) {
            throw new IllegalArgumentException("expected 3 tertile seeds, got " + tertiles.length);
        }
    }
}

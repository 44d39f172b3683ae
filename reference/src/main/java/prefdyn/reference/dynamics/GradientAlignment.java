package prefdyn.reference.dynamics;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.data.SequenceBatches;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.ParameterLayout;
import prefdyn.reference.util.Tertiles;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's gradient alignment (arXiv 2512.00778, §3; {@code docs/paper-map.md}, "Optimization dynamics"):
 * <pre>
 *   G(L; θ(t)) = Ê_{D′}[ −∇_θ log π(y′ | x′; θ(t)) ]ᵀ · ∇_θ L(D_t; θ(t))
 * </pre>
 * a raw dot product over all policy parameters between the gradient of the final responses' NLL (the "target
 * gradient" g′) and the gradient of the training objective on step t's batch. To first order, a plain gradient
 * step θ ← θ − η∇L changes that NLL by −η·G, so G &gt; 0 means the step moves toward the final responses.
 *
 * <p>Because G is linear in ∇L, G(total) = G(positive) + G(negative) = Σ_k G(tertile k) up to rounding, and the
 * same holds per parameter group ({@link ParameterLayout#groups()}). The cosine g′·g/(‖g′‖‖g‖) is reported
 * beside it as an extra diagnostic; it is not the paper's metric.
 *
 * <p>The same linearity, one level down (backward is linear in its seeds), lets {@link ComponentPasses#BY_LINEARITY}
 * form ∇L and the top tertile's gradient from the other four instead of running their backward passes.
 */
public final class GradientAlignment {

    /** How Ê_{D′} averages: the paper is silent; per sequence (sum of token NLLs, mean over y′) is the default. */
    public enum TargetAverage { PER_SEQUENCE, PER_TOKEN }

    /**
     * How {@link #measure} gets the gradients of the objective and of its six components. Backward is linear in its
     * seeds, and the seeds of {@link ComponentSeeds} add up: total = positive + negative = bottom + middle + top,
     * entry by entry. So ∇L = ∇L⁺ + ∇L⁻ and ∇L_top = ∇L − ∇L_bottom − ∇L_middle, and two of the six gradients
     * need no backward pass of their own.
     */
    public enum ComponentPasses {
        /**
         * One backward pass per component: total, positive, negative, bottom, middle and top tertile (6 passes).
         * The default; {@code docs/findings.md} was measured this way.
         */
        EVERY_COMPONENT,
        /**
         * 4 backward passes (positive, negative, bottom and middle tertile); then, per parameter,
         * ∇L = ∇L⁺ + ∇L⁻ and ∇L_top = ∇L − ∇L_bottom − ∇L_middle. Every value agrees with
         * {@link #EVERY_COMPONENT} up to rounding (floating-point backward is linear only up to rounding, and
         * the top tertile inherits the rounding of three gradients); it costs 4 of the 6 backward passes, plus
         * two elementwise passes over the P parameters. A top tertile whose seeds are all zero (no pair or token in
         * it) gets the zero gradient its own backward pass would give, not the rounding residue of the subtraction.
         */
        BY_LINEARITY
    }

    private GradientAlignment() {
    }

    /** The target gradient and the NLL it is the gradient of. */
    public record Target(double[] gradient, double nll) {
    }

    /**
     * g′ = ∇_θ Ê_{D′}[−log π(y′|x′; θ)] at the engine's current parameters, accumulated over chunks of D′.
     * Leaves the engine's gradient holding g′.
     *
     * @param targets   D′, the final responses
     * @param chunkSize sequences per forward pass
     */
    public static Target targetGradient(PolicyEngine engine, List<PromptResponse> targets, TargetAverage average,
                                        int chunkSize) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("D′ is empty: there are no final responses to align with");
        }
        int totalTokens = 0;
        for (PromptResponse target : targets) {
            totalTokens += target.responseLength();
        }
        double normaliser = average == TargetAverage.PER_SEQUENCE ? targets.size() : totalTokens;
        engine.zeroGradients();
        double nll = 0;
        for (int start = 0; start < targets.size(); start += chunkSize) {
            List<PromptResponse> chunk = targets.subList(start, Math.min(targets.size(), start + chunkSize));
            TokenBatch batch = SequenceBatches.of(chunk, engine.config().contextLength());
            ForwardResult result = engine.forward(batch);
            double[][] seeds = new double[batch.batchSize()][batch.width()];
            for (int b = 0; b < batch.batchSize(); b++) {
                nll -= result.sequenceLogProbs()[b] / normaliser;
                for (int t = 0; t < batch.width(); t++) {
                    seeds[b][t] = batch.responseMask()[b][t] ? -1.0 / normaliser : 0.0;
                }
            }
            engine.backward(BackwardSeeds.ofTokenLogProbs(seeds));
        }
        double[] gradient = new double[engine.layout().size()];
        engine.copyGradientsTo(gradient);
        return new Target(gradient, nll);
    }

    /**
     * G of the objective and of each component, per parameter group, with cosines and gradient norms, with one
     * backward pass per component ({@link ComponentPasses#EVERY_COMPONENT}). The engine must be at θ(t) and
     * {@code seeds} must come from the forward of D_t at θ(t); the engine's gradient is overwritten.
     *
     * @param targetGradient [P] g′ in {@link ParameterLayout} order
     * @return named values: {@code G/total}, {@code G/positive}, {@code G/negative},
     *         {@code G/tertile/bottom|middle|top}, {@code G/group/<group>/total|positive|negative},
     *         {@code G/cosine/total|positive|negative}, {@code grad_norm/<component>}, {@code target/grad_norm}
     */
    public static Map<String, Double> measure(PolicyEngine engine, double[] targetGradient, ComponentSeeds seeds) {
        return measure(engine, targetGradient, seeds, ComponentPasses.EVERY_COMPONENT);
    }

    /**
     * As {@link #measure(PolicyEngine, double[], ComponentSeeds)}, with the component gradients obtained as
     * {@code passes} says. Both modes return the same keys in the same order; {@link ComponentPasses#BY_LINEARITY}
     * first checks that the seeds add up ({@link ComponentSeeds#requireComponentsSumToTotal()}).
     *
     * @param targetGradient [P] g′ in {@link ParameterLayout} order
     * @throws IllegalArgumentException in {@link ComponentPasses#BY_LINEARITY} mode, if the parts' seeds do not add
     *                                  up to the total's
     */
    public static Map<String, Double> measure(PolicyEngine engine, double[] targetGradient, ComponentSeeds seeds,
                                              ComponentPasses passes) {
        Map<String, Double> values = new LinkedHashMap<>();
        List<ParameterLayout.Group> groups = engine.layout().groups();
        double targetNorm = norm(targetGradient);
        values.put("target/grad_norm", targetNorm);
        if (passes == ComponentPasses.EVERY_COMPONENT) {
            Map<String, BackwardSeeds> components = new LinkedHashMap<>();
            components.put("total", seeds.total());
            components.put("positive", seeds.positive());
            components.put("negative", seeds.negative());
            for (int k = 0; k < 3; k++) {
                components.put("tertile/" + Tertiles.NAMES[k], seeds.tertiles()[k]);
            }
            double[] gradient = new double[targetGradient.length];
            for (Map.Entry<String, BackwardSeeds> component : components.entrySet()) {
                backwardInto(engine, component.getValue(), gradient);
                record(values, component.getKey(), targetGradient, targetNorm, gradient, groups);
            }
            return values;
        }
        seeds.requireComponentsSumToTotal();
        int size = targetGradient.length;
        double[] positive = backwardInto(engine, seeds.positive(), new double[size]);
        double[] negative = backwardInto(engine, seeds.negative(), new double[size]);
        double[] bottom = backwardInto(engine, seeds.tertiles()[Tertiles.BOTTOM], new double[size]);
        double[] middle = backwardInto(engine, seeds.tertiles()[Tertiles.MIDDLE], new double[size]);
        boolean topIsEmpty = seeds.tertiles()[Tertiles.TOP].isZero(); // e.g. a DPO batch of fewer than 3 pairs
        double[] total = new double[size];
        double[] top = new double[size];
        for (int i = 0; i < size; i++) {
            total[i] = positive[i] + negative[i];                          // ∇L = ∇L⁺ + ∇L⁻
            top[i] = topIsEmpty ? 0.0 : total[i] - bottom[i] - middle[i];  // ∇L_top = ∇L − ∇L_bottom − ∇L_middle
        }
        record(values, "total", targetGradient, targetNorm, total, groups);
        record(values, "positive", targetGradient, targetNorm, positive, groups);
        record(values, "negative", targetGradient, targetNorm, negative, groups);
        record(values, "tertile/" + Tertiles.NAMES[Tertiles.BOTTOM], targetGradient, targetNorm, bottom, groups);
        record(values, "tertile/" + Tertiles.NAMES[Tertiles.MIDDLE], targetGradient, targetNorm, middle, groups);
        record(values, "tertile/" + Tertiles.NAMES[Tertiles.TOP], targetGradient, targetNorm, top, groups);
        return values;
    }

    /**
     * One backward pass from zero: {@code gradient} ← ∂(seeds·outputs)/∂θ.
     *
     * @param gradient [P] overwritten and returned
     */
    private static double[] backwardInto(PolicyEngine engine, BackwardSeeds seeds, double[] gradient) {
        engine.zeroGradients();
        engine.backward(seeds);
        engine.copyGradientsTo(gradient);
        return gradient;
    }

    /**
     * Puts one component's values: G = g′·g, ‖g‖, and for the whole gradient and the positive/negative split also
     * the cosine g′·g/(‖g′‖‖g‖) and G per parameter group.
     *
     * @param targetGradient [P] g′
     * @param gradient       [P] the component's gradient g
     */
    private static void record(Map<String, Double> values, String name, double[] targetGradient, double targetNorm,
                               double[] gradient, List<ParameterLayout.Group> groups) {
        double g = dot(targetGradient, gradient, 0, gradient.length);
        double gradientNorm = norm(gradient);
        values.put("G/" + name, g);
        values.put("grad_norm/" + name, gradientNorm);
        if (!name.startsWith("tertile")) {
            values.put("G/cosine/" + name, targetNorm > 0 && gradientNorm > 0 ? g / (targetNorm * gradientNorm) : 0.0);
            for (ParameterLayout.Group group : groups) {
                values.put("G/group/" + group.name() + "/" + name,
                        dot(targetGradient, gradient, group.start(), group.end()));
            }
        }
    }

    static double dot(double[] a, double[] b, int start, int end) {
        double sum = 0;
        for (int i = start; i < end; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a, 0, a.length));
    }
}

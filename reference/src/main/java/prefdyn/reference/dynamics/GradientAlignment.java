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
 * The paper's gradient alignment (arXiv 2512.00778, §3; BRIEF §4):
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
 */
public final class GradientAlignment {

    /** How Ê_{D′} averages: the paper is silent; per sequence (sum of token NLLs, mean over y′) is the default. */
    public enum TargetAverage { PER_SEQUENCE, PER_TOKEN }

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
     * G of the objective and of each component, per parameter group, with cosines and gradient norms. The
     * engine must be at θ(t) and {@code seeds} must come from the forward of D_t at θ(t); the engine's gradient
     * is overwritten.
     *
     * @return named values: {@code G/total}, {@code G/positive}, {@code G/negative},
     *         {@code G/tertile/bottom|middle|top}, {@code G/group/<group>/total|positive|negative},
     *         {@code G/cosine/total|positive|negative}, {@code grad_norm/<component>}, {@code target/grad_norm}
     */
    public static Map<String, Double> measure(PolicyEngine engine, double[] targetGradient, ComponentSeeds seeds) {
        Map<String, Double> values = new LinkedHashMap<>();
        List<ParameterLayout.Group> groups = engine.layout().groups();
        double targetNorm = norm(targetGradient);
        values.put("target/grad_norm", targetNorm);
        Map<String, BackwardSeeds> components = new LinkedHashMap<>();
        components.put("total", seeds.total());
        components.put("positive", seeds.positive());
        components.put("negative", seeds.negative());
        for (int k = 0; k < 3; k++) {
            components.put("tertile/" + Tertiles.NAMES[k], seeds.tertiles()[k]);
        }
        double[] gradient = new double[targetGradient.length];
        for (Map.Entry<String, BackwardSeeds> component : components.entrySet()) {
            engine.zeroGradients();
            engine.backward(component.getValue());
            engine.copyGradientsTo(gradient);
            String name = component.getKey();
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
        return values;
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

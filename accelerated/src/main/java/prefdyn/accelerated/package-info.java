/**
 * The accelerated twin: the reference GPT-2 in float32 on an OpenCL device, through Aparapi
 * (docs/decisions/0001-accelerator.md).
 *
 * <ul>
 *   <li>{@link prefdyn.accelerated.AcceleratedEngine}: the {@code PolicyEngine} the trainers and metrics use
 *       unchanged; parameters, gradients, AdamW moments and activations stay on the device.</li>
 *   <li>{@code TwinGptModel}: the reference's straight-line forward and mirror backward as device launches, over
 *       the arenas laid out by {@code ActivationLayout} and {@code GradientLayout}.</li>
 *   <li>{@link prefdyn.accelerated.kernels}: the OpenCL program, one kernel class per reference layer, the host
 *       side that launches it ({@code TwinDevice}) and every kernel on host arrays ({@code Twins}).</li>
 *   <li>{@link prefdyn.accelerated.check}: the tolerances, and a main-style differential checker for machines
 *       without Maven. The twin-versus-reference benchmark is {@code TwinBenchmark} in the command line's
 *       {@code prefdyn.cli.bench}, with every other benchmark timed by hand.</li>
 * </ul>
 */
package prefdyn.accelerated;

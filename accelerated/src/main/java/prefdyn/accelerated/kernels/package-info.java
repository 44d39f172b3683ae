/**
 * The float32 twins of the reference layers, as Aparapi kernels that compile to one OpenCL program.
 *
 * <h2>Why one program, and why a chain of classes</h2>
 * Aparapi binds OpenCL buffers to a {@link com.aparapi.Kernel} <em>instance</em>: two kernel objects that use the same
 * Java array each get their own device copy. For parameters, gradients, AdamW moments and activations to stay on
 * the device between layers, every layer must therefore be one entry of a single kernel, which
 * {@link prefdyn.accelerated.kernels.TwinProgram#run()} selects with an operation code. Aparapi's float built-ins
 * ({@code exp}, {@code log}, {@code sqrt}, {@code tanh}, {@code max}) are protected instance methods of
 * {@code Kernel}, and static helpers in other classes cannot reach them (a call to {@code Math.exp} there fails to
 * translate). So the work-item bodies are instance methods, grouped one class per reference layer, and the classes
 * form a chain of subclasses ending in {@code TwinProgram}:
 * <pre>
 *   Kernel ← TwinBuffers ← EncoderKernels ← LayerNormKernels ← LinearKernels ← AttentionKernels ← GeluKernels
 *          ← ResidualKernels ← FusedLinearKernels ← LastPositionKernels ← LmHeadKernels ← LogSoftmaxKernels
 *          ← TokenLogProbKernels ← OptimizerKernels ← MemoryKernels ← TwinProgram
 * </pre>
 * The order of the chain means nothing; each class only adds the bodies of one reference class.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Every body method is named like the reference method it mirrors ({@code linearForward}, …), takes the work
 *       item index first, then the reference's arguments in the reference's order, each array followed by the
 *       offset at which the tensor starts inside the device buffer that holds it (llm.c's pointer arithmetic).</li>
 *   <li>Each work item owns its outputs and sums in a fixed order, the order of the reference loop it mirrors.
 *       There are no atomics, so a result is bit-identical from run to run. It is not bit-identical to Java float
 *       arithmetic: OpenCL may contract {@code a*b + c} into a fused multiply-add, and Aparapi has no switch to
 *       stop it.</li>
 *   <li>Aparapi's translator needs: no {@code switch}, no lambdas or interface calls, no {@code break}/{@code continue}
 *       or early {@code return}, locals initialised where they are declared, float literals, no
 *       {@code Float.NEGATIVE_INFINITY} (it would be printed as an invalid C literal), no local variable named like an
 *       OpenCL built-in ({@code max}, {@code dot}, {@code length}, …).</li>
 * </ul>
 * Host code never calls these methods; {@link prefdyn.accelerated.kernels.TwinDevice} sets the launch arguments
 * and runs the program over the right number of work items.
 */
package prefdyn.accelerated.kernels;

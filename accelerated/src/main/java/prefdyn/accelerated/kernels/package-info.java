/**
 * The float32 twins of the reference layers, as Aparapi kernels that compile to one OpenCL program.
 *
 * <h2>Why one program, and why a chain of classes</h2>
 * Aparapi binds OpenCL buffers to a {@link com.aparapi.Kernel} <em>instance</em>: two kernel objects that use the same
 * Java array each get their own device copy. For parameters, gradients, AdamW moments and activations to stay on
 * the device between layers, every layer must therefore be one entry of a single kernel, which
 * {@link prefdyn.accelerated.kernels.TwinProgram#run()} selects with an operation code. {@code TwinProgram} is
 * also the table of the kernels: one row each ({@link prefdyn.accelerated.kernels.TwinKernel}) with its name, its
 * operation code, the reference method it mirrors, its tolerance, and where {@code Twins} places its arguments. Aparapi's float built-ins
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
 *
 * <h2>Adding a kernel</h2>
 * For the twin of a reference method {@code Xxx.xxxForward} (a public static method of
 * {@code prefdyn.reference.layers}, paired by name), with its body in an existing kernel class:
 * <ol>
 *   <li>{@code XxxKernels.java}: the work-item body {@code protected void xxxForward(int item, …)}, following the
 *       conventions above.</li>
 *   <li>{@code TwinProgram.java}: the next unused operation code; its row in {@code KERNELS},
 *       {@code paired(XXX_FORWARD, Xxx.class, "xxxForward", tolerance, "acts acts params")}, with the buffer of
 *       each array argument of the reference in order (or {@code null} and a {@code Twins} method of the kernel's
 *       name when the launch needs other arguments than the reference's, as attention's scratch buffer); the
 *       tolerance {@code KERNEL} until measured; and its line in {@code run()}, which binds the body to the
 *       buffers.</li>
 *   <li>{@code TwinDevice.java}: the launch {@code xxxForward(…)}: the reference's arguments without the
 *       {@code Parallel}, each array placed by offset replaced by its offset and {@code params}/{@code grads}
 *       dropped; it sets the launch fields and calls {@code launch(XXX_FORWARD, workItems)}.</li>
 *   <li>{@code oracle-tests/…/KernelCases.java}: its two test cases, the random one and the known answer. In
 *       {@code build}, seeded random arguments of the reference method, for the differential harness; in
 *       {@code knownAnswer}, a method that runs the kernel through {@code Twins.call("xxxForward", …)} on inputs small
 *       enough to work out by hand and asserts the answer, with the working in its Javadoc.</li>
 * </ol>
 * Nothing else names the kernel: {@code Twins.call}, the launch records, the differential harness, its tolerance and
 * the pair counts come from the row. {@code KernelInventoryTest} checks the row against the reference method, the
 * body, the launch, the operation codes and the two cases; {@code KernelKnownAnswerTest} runs every known answer on
 * the device and fails one that does not launch its kernel. Run {@code oracle-tests}, read the kernel's worst error in
 * {@code oracle-tests/target/measured-errors.txt}, and set the row's tolerance to about ten times it, with the
 * measurement in a comment as the other rows have. More files only where more is new:
 * <ul>
 *   <li>a new reference method: its layer class and tests, and the vector engine's method of the same name
 *       ({@code prefdyn.vector.layers}, with its row in {@code oracle-tests/…/VectorTolerances.java}), which
 *       {@code VectorKernelPairTest} pairs with every reference kernel;</li>
 *   <li>a reference method outside {@code prefdyn.reference.layers} (as {@code AdamW.step}): its name in
 *       {@code KernelDiscovery.NON_LAYER_REFERENCES};</li>
 *   <li>a new kernel class: the class, its place in the chain above ({@code extends}), and this file;</li>
 *   <li>the engine using the kernel: {@code TwinGptModel} (and {@code KernelLaunchCountTest} when the number of
 *       launches changes).</li>
 * </ul>
 */
package prefdyn.accelerated.kernels;

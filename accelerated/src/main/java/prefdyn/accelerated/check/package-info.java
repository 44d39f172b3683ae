/**
 * How close the float32 twin must be to the float64 reference ({@link prefdyn.accelerated.check.Tolerances}, every
 * bound with the measured errors, except each single kernel's, which is in its row of the kernels' table,
 * {@link prefdyn.accelerated.kernels.TwinProgram}), and {@link prefdyn.accelerated.check.DifferentialCheck}, the key
 * differential checks as a plain {@code main} for the GPU bundle.
 */
package prefdyn.accelerated.check;

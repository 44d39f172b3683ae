/**
 * How close the float32 twin must be to the float64 reference ({@link prefdyn.accelerated.check.Tolerances}, one
 * place for every bound, with the measured errors), and {@link prefdyn.accelerated.check.DifferentialCheck}, the key
 * differential checks as a plain {@code main} for the GPU bundle.
 */
package prefdyn.accelerated.check;

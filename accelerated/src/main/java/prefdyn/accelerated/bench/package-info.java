/** {@link prefdyn.accelerated.bench.TwinBenchmark}: twin against reference, timed in the same run. Not a test. */
package prefdyn.accelerated.bench;

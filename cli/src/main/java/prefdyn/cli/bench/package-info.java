/**
 * Every benchmark timed by hand (no JMH), in one place: {@link prefdyn.cli.bench.EndToEndBench}
 * ({@code prefdyn bench}: its {@link prefdyn.cli.bench.BenchSettings} and {@link prefdyn.cli.bench.BenchModel}, the
 * printed {@code BenchTable} and {@code BenchRatios}, the {@code BenchRecord} line of the history),
 * {@link prefdyn.cli.bench.StepBenchmark} (what {@code prefdyn bench} times: forward+backward, SFT, DPO and PPO
 * steps and G measurements, through the real trainers), {@link prefdyn.cli.bench.MeteredEngine} (an engine
 * wrapper that counts useful FLOPs and the twin's kernel launches), {@link prefdyn.cli.bench.PerfHistory} (the machine description and
 * {@code docs/perf-history.jsonl}), and two main-style benchmarks: {@link prefdyn.cli.bench.ForwardBackwardBenchmark}
 * (the reference's forward+backward, and the seeded random batches every benchmark uses) and
 * {@link prefdyn.cli.bench.TwinBenchmark} (the twin against the reference in one run; the GPU bundle runs it). The
 * JMH benchmarks of the {@code bench} module use this package; nothing here uses them.
 *
 * <p>May use: {@code prefdyn.cli.base}, {@code prefdyn.cli.engine}.
 */
package prefdyn.cli.bench;

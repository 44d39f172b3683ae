package prefdyn.cli.bench;

import prefdyn.accelerated.AcceleratedEngine;
import prefdyn.reference.engine.BackwardSeeds;
import prefdyn.reference.engine.ForwardingEngine;
import prefdyn.reference.engine.ForwardResult;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.engine.SamplingSession;
import prefdyn.reference.engine.TokenBatch;
import prefdyn.reference.model.FlopCount;

import java.util.List;

/**
 * A {@link ForwardingEngine} that passes every call through unchanged and adds up, for {@code prefdyn bench}, the
 * {@link FlopCount} of each forward, backward and sampling pass it runs, so a benchmark knows the useful work of
 * whatever a trainer did (a PPO step's rollout length, for one, is only known afterwards). Sampling sessions are
 * the delegate's own, metered as recomputing ones ({@link #startSampling}). It also reads the twin's kernel-launch
 * counter when it wraps an {@link AcceleratedEngine}.
 */
public final class MeteredEngine extends ForwardingEngine {

    private long flops;
    private long forwardTokens;
    private int lastRows;
    private int lastWidth;

    MeteredEngine(PolicyEngine delegate) {
        super(delegate);
    }

    /** FLOPs of the passes run so far. */
    long flops() {
        return flops;
    }

    /** Real (non-padding) tokens of every {@link #forward} so far; sampling passes are not included. */
    long forwardTokens() {
        return forwardTokens;
    }

    /** Kernel launches so far when this wraps the twin; 0 for the reference, which launches none. */
    long kernelLaunches() {
        return delegate instanceof AcceleratedEngine twin ? twin.kernelLaunches() : 0L;
    }

    /**
     * The twin's measured cost of one launch of a one-item kernel, in seconds (mean of {@code launches} after as many
     * untimed); NaN for the reference.
     */
    double launchOverheadSeconds(int launches) {
        if (delegate instanceof AcceleratedEngine twin) {
            twin.launchOverheadSeconds(launches);
            return twin.launchOverheadSeconds(launches);
        }
        return Double.NaN;
    }

    @Override
    public ForwardResult forward(TokenBatch batch) {
        ForwardResult result = delegate.forward(batch);
        lastRows = batch.batchSize();
        lastWidth = batch.maxLength();
        flops += FlopCount.forward(config(), lastRows, lastWidth);
        for (int length : batch.lengths()) {
            forwardTokens += length;
        }
        return result;
    }

    @Override
    public double[][] nextTokenLogProbs(TokenBatch batch) {
        double[][] rows = delegate.nextTokenLogProbs(batch);
        flops += FlopCount.samplingForward(config(), batch.batchSize(), batch.maxLength());
        return rows;
    }

    /**
     * The delegate's own session (the reference's and the twin's are KV-cached), so a benchmark times what a run does. Each step
     * is metered as the recomputing session's pass would be — a sampling pass over the asked-for rows' whole
     * prefixes, {@link FlopCount#samplingForward}(rows, longest prefix), exactly what {@link #nextTokenLogProbs}
     * adds for it — whatever the session actually recomputes. So a rollout's FLOPs are the same for every engine
     * (and the same as before the reference had a cache), and a cached engine's GFLOP/s of a sampling step is the
     * recompute-equivalent rate, not the arithmetic it performed.
     */
    @Override
    public SamplingSession startSampling(List<int[]> prompts) {
        SamplingSession session = delegate.startSampling(prompts);
        return new SamplingSession() {
            @Override
            public int rows() {
                return session.rows();
            }

            @Override
            public int length(int row) {
                return session.length(row);
            }

            @Override
            public double[][] nextTokenLogProbs(int[] rows) {
                double[][] logProbs = session.nextTokenLogProbs(rows);
                int longest = 0;
                for (int row : rows) {
                    longest = Math.max(longest, session.length(row));
                }
                if (rows.length > 0) {
                    flops += FlopCount.samplingForward(config(), rows.length, longest);
                }
                return logProbs;
            }

            @Override
            public void append(int row, int token) {
                session.append(row, token);
            }
        };
    }

    @Override
    public void backward(BackwardSeeds seeds) {
        delegate.backward(seeds);
        flops += FlopCount.backward(config(), lastRows, lastWidth, seeds);
    }
}

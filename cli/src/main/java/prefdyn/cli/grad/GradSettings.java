package prefdyn.cli.grad;

import java.nio.file.Path;

/**
 * What {@code prefdyn grad} computes, as given on the command line: the loss options and the pair rules are parsed
 * by {@link GradRun} after the models load, so a missing model is the error reported first.
 *
 * @param checkpoint     the policy: a checkpoint directory or a committed model's name
 * @param reference      the reference model, or null for the policy itself (as at DPO's first step)
 * @param pairs          the TRL JSONL pair file
 * @param lossType       the DPO loss by TRL's name
 * @param beta           DPO's β
 * @param labelSmoothing the conservative and robust losses' ε
 * @param simpoGamma     SimPO's target margin, or null for its default
 * @param bpoAlpha       BPO's gap adaptor, or null for its default
 * @param dataRules      how the pair file becomes token pairs ({@code trl} or {@code prefdyn-v1})
 * @param maxPairs       at most this many pairs, from the top of the file
 * @param threads        threads, or null for all cores
 * @param out            the safetensors file to write
 */
public record GradSettings(String checkpoint, String reference, Path pairs, String lossType, double beta,
                           double labelSmoothing, Double simpoGamma, Double bpoAlpha, String dataRules, int maxPairs,
                           Integer threads, Path out) {
}

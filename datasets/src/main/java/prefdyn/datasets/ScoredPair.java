package prefdyn.datasets;

/**
 * A preference pair with the rewards that ranked it.
 *
 * @param pair           the pair
 * @param chosenReward   the reward of {@code pair.chosen()}
 * @param rejectedReward the reward of {@code pair.rejected()}, strictly lower
 */
public record ScoredPair(PreferencePair pair, double chosenReward, double rejectedReward) {

    /** chosenReward − rejectedReward, positive. */
    public double margin() {
        return chosenReward - rejectedReward;
    }
}

package app;

import shared.Scorer;
import shared.ScorerModel;

/** Module B compiles against the class module A generated. */
public class UsesScorer {
    public static ScorerModel make() {
        return new Scorer(8);
    }
}

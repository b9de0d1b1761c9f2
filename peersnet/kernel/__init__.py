"""The small kernel every app uses. It imports no app of peersnet."""

"""workforce's forms, one module per part of the work: the shape of input only."""

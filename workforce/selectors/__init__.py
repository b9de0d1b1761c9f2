"""workforce's reads worth naming, one module per part of the work."""

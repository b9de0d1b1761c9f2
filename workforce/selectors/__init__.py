"""workforce's named reads, one module per part of the work."""

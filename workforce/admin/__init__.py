"""Staff admin for workforce, one module per part of the work (each registers its own models)."""

from . import hiring, onboarding, training  # noqa: F401

"""workforce's pages, one module per part of the work; urls.py names them from here."""

from .onboarding import (
    credential_document_view,
    credentials_view,
    onboarding_ethics_view,
    onboarding_view,
)

__all__ = ["credential_document_view", "credentials_view", "onboarding_ethics_view", "onboarding_view"]

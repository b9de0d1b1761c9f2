"""workforce's models, one module per part of the work; every model is imported here so Django finds it."""

from .hiring import Application, ApplicationEvent, BackgroundCheckConsent

__all__ = ["Application", "ApplicationEvent", "BackgroundCheckConsent"]

"""Errors every app may raise or catch."""


class DependencyUnavailable(Exception):
    """A service we depend on (Stripe, say) could not be reached or timed out. Nothing was decided: try
    again later. Uncaught in a request it becomes the "busy, try again" page (peersnet.middleware)."""

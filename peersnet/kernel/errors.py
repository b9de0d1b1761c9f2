"""Errors every app may raise or catch."""


class DependencyUnavailable(Exception):
    """A service we depend on (Stripe, say) could not be reached or timed out. Nothing was decided: try
    again later. Uncaught in a request it becomes the "busy, try again" page (peersnet.middleware)."""


#: What the busy page and other "try again" answers send as ``Retry-After`` (seconds).
RETRY_AFTER_SECONDS = 10

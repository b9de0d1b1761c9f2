"""Settings for the test suite: the development defaults (``DEBUG`` on, a dev ``SECRET_KEY``, local
Stripe keys), so ``python -m pytest`` works without the Makefile. ``DATABASE_URL`` and ``REDIS_URL``
still choose PostgreSQL and Redis."""

import os

os.environ.setdefault("DEBUG", "true")

from peersnet.settings import *  # noqa: E402, F403

"""Settings for the test suite: the development defaults (``DEBUG`` on, a dev ``SECRET_KEY``, local
Stripe keys), so ``python -m pytest`` works without the Makefile. ``DATABASE_URL`` and ``REDIS_URL``
still choose PostgreSQL and Redis."""

import os

os.environ.setdefault("DEBUG", "true")

from peersnet.settings import *  # noqa: E402, F403

# A fixed key for the suite (never used anywhere else), so tests don't depend on var/.
FIELD_ENCRYPTION_KEYS = ["tVbV2ia9mmwXbJ1GDU3xgqSuzKu5PxOZI6m-7Xy7qVU="]

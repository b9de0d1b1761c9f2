"""workforce's admin, one module per part of the work (imported here so the admin finds it)."""

from . import pay_admin  # noqa: F401

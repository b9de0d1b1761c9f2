from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def stripe_keys_check(app_configs, **kwargs):
    """In production the Stripe keys must be set (the embedded defaults exist only with DEBUG)."""
    missing = [
        name
        for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")
        if not getattr(settings, name)
    ]
    if missing:
        return [Warning(f"{', '.join(missing)} not set: payments cannot work.", id="payments.W001")]
    if settings.STRIPE_API_BASE:
        return [Warning("STRIPE_API_BASE is set: payments go to a fake Stripe server.", id="payments.W002")]
    return []

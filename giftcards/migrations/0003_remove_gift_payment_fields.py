# A gift's money now lives in the payments ledger (moved by payments 0003): its own payment columns go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('giftcards', '0002_gift_payable'),
        ('payments', '0003_move_into_ledger'),
    ]

    operations = [
        migrations.RemoveField(model_name='gift', name=name)
        for name in [
            'stripe_customer_id',
            'stripe_payment_intent_id',
            'charge_attempts',
            'charge_started_at',
            'card_brand',
            'card_last4',
            'failure_message',
            'refunded_payment_intents',
            'refunded_at',
            'stripe_refund_id',
            'refund_error',
        ]
    ]

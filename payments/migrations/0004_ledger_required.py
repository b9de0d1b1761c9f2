# Step 3 of 3: every attempt now hangs off its payable; the booking and seeker columns go.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_move_into_ledger'),
    ]

    operations = [
        migrations.RemoveField(model_name='payment', name='booking'),
        migrations.RemoveField(model_name='payment', name='seeker'),
        migrations.AlterField(
            model_name='payment',
            name='payable',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='payments.payable'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(fields=('payable', 'attempt'), name='payment_attempt_unique'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'succeeded')), fields=('payable',), name='payment_one_success_per_payable'),
        ),
    ]

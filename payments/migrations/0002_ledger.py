# The payments ledger: Payable ("something to be paid"), attempts under it, claimed webhook events.
# Step 1 of 3 (schema; the data moves in 0003, the old columns go in 0004).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0004_paid_with_credit'),
        ('payments', '0001_initial'),
        ('seekers', '0002_intake'),
    ]

    operations = [
        migrations.CreateModel(
            name='Payable',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(help_text='What it pays for, as the owning app names it (booking, gift).', max_length=32)),
                ('key_prefix', models.CharField(help_text='Our own name of it (booking-12, gift-3): every idempotency key sent to Stripe starts so.', max_length=48, unique=True)),
                ('amount_cents', models.PositiveIntegerField()),
                ('currency', models.CharField(default='usd', max_length=3)),
                ('status', models.CharField(choices=[('open', 'Waiting for payment'), ('paid', 'Paid'), ('closed', 'No longer wanted')], default='open', max_length=8)),
                ('payer_name', models.CharField(blank=True, max_length=120)),
                ('payer_email', models.EmailField(blank=True, max_length=254)),
                ('stripe_customer_id', models.CharField(blank=True, max_length=64)),
                ('paid_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('seeker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payables', to='seekers.seekerprofile')),
            ],
            options={
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['purpose', 'status'], name='payable_purpose_status_idx')],
                'constraints': [
                    models.CheckConstraint(condition=models.Q(('amount_cents__gt', 0)), name='payable_amount_positive'),
                    models.CheckConstraint(condition=models.Q(models.Q(('status', 'paid'), _negated=True), ('paid_at__isnull', False), _connector='OR'), name='payable_paid_has_time'),
                ],
            },
        ),
        migrations.AddField(
            model_name='webhookevent',
            name='claimed_at',
            field=models.DateTimeField(blank=True, help_text='Being processed since (cleared when done or given up).', null=True),
        ),
        migrations.AddField(
            model_name='payment',
            name='payable',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='payments.payable'),
        ),
        migrations.AddField(
            model_name='payment',
            name='payment_method_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='refund',
            name='reason',
            field=models.CharField(choices=[('policy', 'Cancellation or decline under the rules'), ('guarantee', 'Money-back guarantee'), ('staff', 'Staff decision'), ('duplicate', 'Paid twice'), ('late_payment', 'Paid after it was no longer wanted')], max_length=16),
        ),
        # Gift attempts have no booking and no seeker: both may be empty until 0004 drops them.
        migrations.AlterField(
            model_name='payment',
            name='booking',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='bookings.booking'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='seeker',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='seekers.seekerprofile'),
        ),
        migrations.RemoveConstraint(model_name='payment', name='payment_attempt_unique'),
        migrations.RemoveConstraint(model_name='payment', name='payment_one_success_per_booking'),
    ]

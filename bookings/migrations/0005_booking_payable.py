import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0004_paid_with_credit'),
        ('payments', '0002_ledger'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='payable',
            field=models.OneToOneField(blank=True, help_text="The session's fee in the payments ledger (made when accepted, unless a gift pays).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.payable'),
        ),
    ]

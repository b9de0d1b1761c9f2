import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('giftcards', '0001_initial'),
        ('payments', '0002_ledger'),
    ]

    operations = [
        migrations.AddField(
            model_name='gift',
            name='payable',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.payable'),
        ),
    ]

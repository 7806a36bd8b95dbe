from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('amicable', '0006_inbound')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Complaint',
            name='company_name',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
    ]

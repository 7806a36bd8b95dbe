from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Each outbox mail keeps its words as inbound replies are compared against them, so that a
# reply does not parse every mail sent on its thread again. Rows queued before stay null
# and are parsed when needed. outbox_mail carries no response-cache trigger (0011), and
# adding a column is an ALTER TABLE on SQLite too (no table rebuild), so no trigger needs
# creating again.


class Migration(migrations.Migration):
    dependencies = [('amicable', '0011_response_cache')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxMail',
            name='sent_words',
            field=fields.JSONField(null=True),
        ),
    ]

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# A reply marks the stored score stale instead of recomputing it in its transaction.
# The database default fills the rows already there.
# company_score carries the response cache's triggers (0011): adding a column is an ALTER
# TABLE on SQLite too, no table rebuild, so they stay (tests/test_response_cache.py checks
# that every public table still has its trigger).


class Migration(migrations.Migration):
    dependencies = [('amicable', '0012_sent_words')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CompanyScore',
            name='stale',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('amicable', '0013_stale_scores')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CompanyScoreWindow',
            fields=[
                ('received', fields.IntField(default=0)),
                ('answered', fields.IntField(default=0)),
                ('resolved', fields.IntField(default=0)),
                ('unresolved', fields.IntField(default=0)),
                ('response_seconds', fields.BigIntField(default=0)),
                ('speed_micropoints', fields.BigIntField(default=0)),
                ('response_histogram', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('categories', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='score_window', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField(null=True)),
                ('window_months', fields.IntField(default=0)),
                ('deadline_days', fields.IntField(default=0)),
                ('unanswered_before_deadline_day', fields.IntField(default=0)),
                ('series', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'company_score_window', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['_ComplaintCounters'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('amicable', '0002_mail')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AwaitingReply',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('complaint', fields.OneToOneField('amicable.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='awaiting_reply', on_delete=OnDelete.CASCADE)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='awaiting_replies', on_delete=OnDelete.CASCADE)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'awaiting_reply', 'app': 'amicable', 'indexes': [Index(fields=['company_id', 'sent_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CompanyDayStats',
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
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='day_stats', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
            ],
            options={'table': 'company_day_stats', 'app': 'amicable', 'unique_together': (('company', 'day'),), 'pk_attr': 'id'},
            bases=['_ComplaintCounters'],
        ),
        ops.CreateModel(
            name='CompanyMonthStats',
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
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='month_stats', on_delete=OnDelete.CASCADE)),
                ('month', fields.DateField()),
            ],
            options={'table': 'company_month_stats', 'app': 'amicable', 'unique_together': (('company', 'month'),), 'pk_attr': 'id'},
            bases=['_ComplaintCounters'],
        ),
        ops.CreateModel(
            name='CompanyScore',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.OneToOneField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='score_snapshot', on_delete=OnDelete.CASCADE)),
                ('value', fields.FloatField(null=True)),
                ('rank_value', fields.FloatField(default=-1.0, db_index=True)),
                ('eligible', fields.IntField(default=0)),
                ('received', fields.IntField(default=0)),
                ('answered', fields.IntField(default=0)),
                ('resolved', fields.IntField(default=0)),
                ('unresolved', fields.IntField(default=0)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'company_score', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CompanyScoreCategory',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='score_categories', on_delete=OnDelete.CASCADE)),
                ('category', fields.CharField(max_length=64)),
                ('received', fields.IntField(default=0)),
            ],
            options={'table': 'company_score_category', 'app': 'amicable', 'unique_together': (('company', 'category'),), 'indexes': [Index(fields=['category', 'received'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from amicable.models.nudge import NudgeKind, NudgeStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('amicable', '0008_accounts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Nudge',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='REMINDER: REMINDER\nDEADLINE_PASSED: DEADLINE_PASSED\nFEEDBACK_PROMPT: FEEDBACK_PROMPT\nFEEDBACK_LAST_CALL: FEEDBACK_LAST_CALL\nAGENT_DIGEST: AGENT_DIGEST', enum_type=NudgeKind, max_length=24)),
                ('status', fields.CharEnumField(default=NudgeStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nVOID: VOID\nSKIPPED: SKIPPED\nFAILED: FAILED', enum_type=NudgeStatus, max_length=8)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', null=True, db_constraint=True, to_field='id', related_name='nudges', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('amicable.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='nudges', on_delete=OnDelete.CASCADE)),
                ('step', fields.IntField(default=0)),
                ('dedupe_key', fields.CharField(unique=True, max_length=120)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('detail', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'nudge', 'app': 'amicable', 'indexes': [Index(fields=['status', 'due_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='agent_digest',
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]

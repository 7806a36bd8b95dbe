from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from amicable.models.mail import ModerationDecision, ModerationItemKind
from amicable.models.moderation import CorrectionStatus, EscalationBasis, EscalationStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('amicable', '0003_scores')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CompanySlugRedirect',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='slug_redirects', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'company_slug_redirect', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContentReport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('amicable.ModerationItem', source_field='item_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('message', fields.ForeignKeyField('amicable.Message', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('reporter', fields.ForeignKeyField('amicable.User', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name='reports_made', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.TextField(unique=False)),
                ('contact', fields.CharField(default='', max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'content_report', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CorrectionRequest',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='correction_requests', on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.ForeignKeyField('amicable.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='correction_requests', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(null=True, max_length=200)),
                ('addresses', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=CorrectionStatus.OPEN, description='OPEN: OPEN\nACCEPTED: ACCEPTED\nREFUSED: REFUSED', enum_type=CorrectionStatus, max_length=8)),
                ('item', fields.ForeignKeyField('amicable.ModerationItem', source_field='item_id', null=True, db_constraint=True, to_field='id', related_name='correction_requests', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'correction_request', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Escalation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', unique=True, db_constraint=True, to_field='id', related_name='escalations', on_delete=OnDelete.CASCADE)),
                ('basis', fields.CharEnumField(description='NO_REPLY: NO_REPLY\nUNRESOLVED: UNRESOLVED', enum_type=EscalationBasis, max_length=12)),
                ('status', fields.CharEnumField(default=EscalationStatus.OPEN, description='OPEN: OPEN\nIN_PROGRESS: IN_PROGRESS\nCLOSED: CLOSED', enum_type=EscalationStatus, max_length=12)),
                ('request_text', fields.TextField(default='', unique=False)),
                ('assigned_lawyer', fields.ForeignKeyField('amicable.User', source_field='assigned_lawyer_id', null=True, db_constraint=True, to_field='id', related_name='escalations_assigned', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'escalation', 'app': 'amicable', 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LawyerNote',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('escalation', fields.ForeignKeyField('amicable.Escalation', source_field='escalation_id', db_constraint=True, to_field='id', related_name='notes', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('amicable.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='lawyer_notes', on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lawyer_note', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('amicable.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=48)),
                ('text', fields.TextField(unique=False)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'amicable', 'indexes': [Index(fields=['user_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='ModerationItem',
            name='kind',
            field=fields.CharEnumField(description='HELD_REPLY: HELD_REPLY\nCOMPANY_ADDRESS_FAILING: COMPANY_ADDRESS_FAILING\nFLAGGED_COMPLAINT: FLAGGED_COMPLAINT\nFLAGGED_MESSAGE: FLAGGED_MESSAGE\nPERSONAL_DATA: PERSONAL_DATA\nCONTENT_REPORT: CONTENT_REPORT\nCORRECTION_REQUEST: CORRECTION_REQUEST', enum_type=ModerationItemKind, max_length=32),
        ),
        ops.AddField(
            model_name='ModerationItem',
            name='decided_by',
            field=fields.ForeignKeyField('amicable.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='moderation_decisions', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='ModerationItem',
            name='decision',
            field=fields.CharEnumField(null=True, description='APPROVE: APPROVE\nREJECT: REJECT\nREDACT: REDACT', enum_type=ModerationDecision, max_length=8),
        ),
        ops.AddField(
            model_name='ModerationItem',
            name='decision_reason',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='ModerationItem',
            name='details',
            field=fields.JSONField(default=dict, db_default={}, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='ModerationItem',
            name='report_count',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='ModerationItem',
            index=Index(fields=['complaint_id', 'status']),
        ),
        ops.AddField(
            model_name='User',
            name='erased_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]

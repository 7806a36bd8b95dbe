from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from amicable.models.enums import AuthorKind, Channel, ComplaintStatus, Language, ModerationState, Outcome, Role, Visibility
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('actor_user_id', fields.UUIDField(null=True)),
                ('actor_kind', fields.CharField(max_length=16)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target_type', fields.CharField(max_length=32)),
                ('target_id', fields.UUIDField()),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_entry', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Company',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('aliases', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('search_text', fields.TextField(default='', unique=False)),
                ('listed', fields.BooleanField(default=False, db_index=True)),
                ('language', fields.CharEnumField(default=Language.NL, description='NL: nl\nFR: fr\nEN: en', enum_type=Language, max_length=2)),
                ('contact_person', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'company', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CompanyAddress',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='addresses', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('failing', fields.BooleanField(default=False)),
                ('position', fields.SmallIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'company_address', 'app': 'amicable', 'unique_together': (('company', 'email'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('password_hash', fields.CharField(max_length=255)),
                ('full_name', fields.CharField(max_length=200)),
                ('role', fields.CharEnumField(default=Role.CONSUMER, description='CONSUMER: consumer\nAGENT: agent\nMODERATOR: moderator\nLAWYER: lawyer', enum_type=Role, max_length=16)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', null=True, db_constraint=True, to_field='id', related_name='agents', on_delete=OnDelete.SET_NULL)),
                ('is_member', fields.BooleanField(default=False)),
                ('language', fields.CharEnumField(default=Language.NL, description='NL: nl\nFR: fr\nEN: en', enum_type=Language, max_length=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'user_account', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('amicable.User', source_field='user_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_token', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('partner_name', fields.CharField(max_length=200)),
                ('created_by', fields.ForeignKeyField('amicable.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='api_keys_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_key', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Complaint',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('reference', fields.CharField(unique=True, max_length=16)),
                ('consumer', fields.ForeignKeyField('amicable.User', source_field='consumer_id', db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(unique=False)),
                ('desired_solution', fields.TextField(default='', unique=False)),
                ('category', fields.CharField(default='other', db_index=True, max_length=64)),
                ('public_title', fields.CharField(max_length=200)),
                ('public_description', fields.TextField(unique=False)),
                ('public_desired_solution', fields.TextField(default='', unique=False)),
                ('is_redacted', fields.BooleanField(default=False)),
                ('customer_reference', fields.CharField(default='', max_length=120)),
                ('phone', fields.CharField(default='', max_length=40)),
                ('postal_address', fields.TextField(default='', unique=False)),
                ('visibility', fields.CharEnumField(default=Visibility.PRIVATE, description='PUBLIC: PUBLIC\nPRIVATE: PRIVATE', enum_type=Visibility, max_length=8)),
                ('status', fields.CharEnumField(db_index=True, description='PENDING_MODERATION: PENDING_MODERATION\nREJECTED: REJECTED\nWAITING_FOR_COMPANY: WAITING_FOR_COMPANY\nANSWERED: ANSWERED\nRESOLVED: RESOLVED\nUNRESOLVED: UNRESOLVED\nCLOSED: CLOSED', enum_type=ComplaintStatus, max_length=24)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('first_company_reply_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharEnumField(null=True, description='RESOLVED: RESOLVED\nUNRESOLVED: UNRESOLVED', enum_type=Outcome, max_length=12)),
                ('feedback_comment', fields.TextField(default='', unique=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'complaint', 'app': 'amicable', 'indexes': [Index(fields=['company_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author_kind', fields.CharEnumField(description='CONSUMER: CONSUMER\nCOMPANY: COMPANY\nMODERATOR: MODERATOR\nSYSTEM: SYSTEM', enum_type=AuthorKind, max_length=12)),
                ('author_user', fields.ForeignKeyField('amicable.User', source_field='author_user_id', null=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(default=Channel.WEB, description='WEB: WEB\nEMAIL: EMAIL', enum_type=Channel, max_length=8)),
                ('body', fields.TextField(unique=False)),
                ('public_body', fields.TextField(unique=False)),
                ('is_redacted', fields.BooleanField(default=False)),
                ('moderation_state', fields.CharEnumField(default=ModerationState.PUBLISHED, description='PUBLISHED: PUBLISHED\nPENDING: PENDING\nREJECTED: REJECTED', enum_type=ModerationState, max_length=12)),
                ('sender_email', fields.CharField(default='', max_length=254)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'message', 'app': 'amicable', 'indexes': [Index(fields=['complaint_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attachment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('message', fields.ForeignKeyField('amicable.Message', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=127)),
                ('size', fields.IntField()),
                ('private', fields.BooleanField(default=True)),
                ('storage_key', fields.CharField(default='', max_length=255)),
                ('rejected_reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'attachment', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from amicable.models.mail import InboundDoor, ModerationItemKind, ModerationItemStatus, OutboxKind, OutboxStatus, RecipientKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('amicable', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboundMail',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('door', fields.CharEnumField(description='SMTP: SMTP\nPIPE: PIPE\nHTTP: HTTP', enum_type=InboundDoor, max_length=4)),
                ('dedupe_key', fields.CharField(null=True, unique=True, max_length=255)),
                ('rfc_message_id', fields.CharField(default='', db_index=True, max_length=255)),
                ('envelope_sender', fields.CharField(default='', max_length=254)),
                ('envelope_recipients', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sender', fields.CharField(default='', max_length=254)),
                ('subject', fields.CharField(default='', max_length=255)),
                ('raw_message', fields.BinaryField()),
                ('size', fields.IntField()),
                ('outcome', fields.CharField(default='RECEIVED', max_length=24)),
                ('detail', fields.TextField(default='', unique=False)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', null=True, db_constraint=True, to_field='id', related_name='inbound_mails', on_delete=OnDelete.SET_NULL)),
                ('message', fields.ForeignKeyField('amicable.Message', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='inbound_mails', on_delete=OnDelete.SET_NULL)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbound_mail', 'app': 'amicable', 'indexes': [Index(fields=['complaint_id', 'received_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModerationItem',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='HELD_REPLY: HELD_REPLY\nCOMPANY_ADDRESS_FAILING: COMPANY_ADDRESS_FAILING', enum_type=ModerationItemKind, max_length=32)),
                ('status', fields.CharEnumField(default=ModerationItemStatus.OPEN, description='OPEN: OPEN\nDONE: DONE', enum_type=ModerationItemStatus, max_length=8)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', null=True, db_constraint=True, to_field='id', related_name='moderation_items', on_delete=OnDelete.CASCADE)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', null=True, db_constraint=True, to_field='id', related_name='moderation_items', on_delete=OnDelete.CASCADE)),
                ('message', fields.ForeignKeyField('amicable.Message', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='moderation_items', on_delete=OnDelete.CASCADE)),
                ('inbound_mail', fields.ForeignKeyField('amicable.InboundMail', source_field='inbound_mail_id', null=True, db_constraint=True, to_field='id', related_name='moderation_items', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderation_item', 'app': 'amicable', 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMail',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='COMPLAINT: COMPLAINT\nREPLY: REPLY\nNOTICE: NOTICE', enum_type=OutboxKind, max_length=12)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: PENDING\nSENDING: SENDING\nSENT: SENT\nFAILED: FAILED', enum_type=OutboxStatus, max_length=8)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', null=True, db_constraint=True, to_field='id', related_name='outbox_mails', on_delete=OnDelete.CASCADE)),
                ('message', fields.ForeignKeyField('amicable.Message', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='outbox_mails', on_delete=OnDelete.SET_NULL)),
                ('recipient', fields.CharField(max_length=254)),
                ('recipient_kind', fields.CharEnumField(description='COMPANY: COMPANY\nCONSUMER: CONSUMER', enum_type=RecipientKind, max_length=8)),
                ('rfc_message_id', fields.CharField(unique=True, max_length=255)),
                ('reply_token', fields.CharField(db_index=True, max_length=64)),
                ('envelope_sender', fields.CharField(max_length=254)),
                ('content', fields.TextField(unique=False)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_mail', 'app': 'amicable', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['complaint_id', 'recipient'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from amicable.models.account_tokens import ClaimStatus, TokenPurpose
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('amicable', '0007_privacy')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CompanyClaim',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('amicable.User', source_field='user_id', db_constraint=True, to_field='id', related_name='company_claims', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('status', fields.CharEnumField(default=ClaimStatus.REQUESTED, description='REQUESTED: REQUESTED\nCONFIRMED: CONFIRMED\nAPPROVED: APPROVED\nREFUSED: REFUSED', enum_type=ClaimStatus, max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'company_claim', 'app': 'amicable', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccountToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('purpose', fields.CharEnumField(description='VERIFY_EMAIL: VERIFY_EMAIL\nPASSWORD_RESET: PASSWORD_RESET\nEMAIL_CHANGE: EMAIL_CHANGE\nAGENT_INVITE: AGENT_INVITE\nCOMPANY_CLAIM: COMPANY_CLAIM', enum_type=TokenPurpose, max_length=16)),
                ('user', fields.ForeignKeyField('amicable.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='account_tokens', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', null=True, db_constraint=True, to_field='id', related_name='account_tokens', on_delete=OnDelete.CASCADE)),
                ('claim', fields.ForeignKeyField('amicable.CompanyClaim', source_field='claim_id', null=True, db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('created_by_id', fields.UUIDField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account_token', 'app': 'amicable', 'indexes': [Index(fields=['user_id', 'purpose'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CompanyDomain',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('company', fields.ForeignKeyField('amicable.Company', source_field='company_id', db_constraint=True, to_field='id', related_name='domains', on_delete=OnDelete.CASCADE)),
                ('domain', fields.CharField(db_index=True, max_length=253)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'company_domain', 'app': 'amicable', 'unique_together': (('company', 'domain'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MagicLinkRevocation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('amicable.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='link_revocations', on_delete=OnDelete.CASCADE)),
                ('link_id', fields.CharField(default='', max_length=32)),
                ('revoked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_by_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'magic_link_revocation', 'app': 'amicable', 'indexes': [Index(fields=['complaint_id', 'link_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuditEntry',
            name='company_id',
            field=fields.UUIDField(null=True, db_index=True),
        ),
        ops.AddField(
            model_name='Complaint',
            name='unsent_reason',
            field=fields.CharField(default='', db_default='', max_length=24),
        ),
        ops.AddField(
            model_name='User',
            name='email_verified_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='member_number',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='User',
            name='member_until',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='User',
            name='suspended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # Accounts made before verification existed keep working as they did: they count as
        # verified from their creation.
        ops.RunSQL(
            "UPDATE user_account SET email_verified_at = created_at WHERE email_verified_at IS NULL",
            reverse_sql="",
        ),
    ]

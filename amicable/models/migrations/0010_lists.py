from tortoise import migrations
from tortoise.migrations import operations as ops
from amicable.models.enums import ComplaintCategory
from tortoise import fields
from tortoise.indexes import Index

# Categories were free text in the database (checked against a list on the way in, but
# imports and older rows may differ in case, spacing or language): fold them onto the
# closed set, words in nl, fr and en that name a known category to it, anything else to
# "other".
_SYNONYMS = {
    'delivery': ('delivery', 'shipping', 'levering', 'bezorging', 'livraison'),
    'billing': ('billing', 'invoice', 'invoicing', 'factuur', 'facturatie', 'facture',
                'facturation'),
    'product_quality': ('product_quality', 'product quality', 'product-quality', 'quality',
                        'kwaliteit', 'productkwaliteit', 'qualité', 'qualite'),
    'service': ('service', 'customer service', 'klantendienst', 'dienstverlening',
                'service client', 'service clientèle'),
    'contract': ('contract', 'contrat', 'overeenkomst'),
    'refund': ('refund', 'terugbetaling', 'remboursement'),
    'warranty': ('warranty', 'guarantee', 'garantie'),
    'privacy': ('privacy', 'gdpr', 'rgpd', 'avg', 'vie privée', 'vie privee'),
}


def _quoted(words):
    return ', '.join("'" + w.replace("'", "''") + "'" for w in words)


_CATEGORY_SQL = [
    "UPDATE complaint SET category = lower(trim(category))",
    *(
        f"UPDATE complaint SET category = '{target}' WHERE category IN ({_quoted(words)})"
        for target, words in _SYNONYMS.items()
    ),
    "UPDATE complaint SET category = 'other' WHERE category NOT IN "
    f"({_quoted([c.value for c in ComplaintCategory])})",
]

# Last activity: the latest published message, or the filing when there is none.
_LAST_ACTIVITY_SQL = (
    "UPDATE complaint SET last_activity_at = COALESCE((SELECT MAX(message.created_at) "
    "FROM message WHERE message.complaint_id = complaint.id "
    "AND message.moderation_state = 'PUBLISHED' "
    "AND message.created_at > complaint.created_at), complaint.created_at)"
)


class Migration(migrations.Migration):
    dependencies = [('amicable', '0009_nudges')]

    initial = False

    operations = [
        ops.RunSQL(_CATEGORY_SQL, reverse_sql=[]),
        ops.AlterField(
            model_name='Complaint',
            name='category',
            field=fields.CharEnumField(default=ComplaintCategory.OTHER, db_index=True, description='DELIVERY: delivery\nBILLING: billing\nPRODUCT_QUALITY: product_quality\nSERVICE: service\nCONTRACT: contract\nREFUND: refund\nWARRANTY: warranty\nPRIVACY: privacy\nOTHER: other', enum_type=ComplaintCategory, max_length=64),
        ),
        ops.AddField(
            model_name='Complaint',
            name='last_activity_at',
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL(_LAST_ACTIVITY_SQL, reverse_sql=[]),
        ops.AlterField(
            model_name='Complaint',
            name='last_activity_at',
            field=fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Complaint',
            index=Index(fields=['company_id', 'last_activity_at']),
        ),
        ops.AddIndex(
            model_name='Complaint',
            index=Index(fields=['consumer_id', 'created_at']),
        ),
    ]

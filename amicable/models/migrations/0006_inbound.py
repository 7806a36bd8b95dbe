from tortoise import migrations
from tortoise.migrations import operations as ops
from amicable.models.mail import ModerationItemKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('amicable', '0005_delivery')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ModerationItem',
            name='kind',
            field=fields.CharEnumField(description='HELD_REPLY: HELD_REPLY\nCOMPANY_ADDRESS_FAILING: COMPANY_ADDRESS_FAILING\nFLAGGED_COMPLAINT: FLAGGED_COMPLAINT\nFLAGGED_MESSAGE: FLAGGED_MESSAGE\nPERSONAL_DATA: PERSONAL_DATA\nCONTENT_REPORT: CONTENT_REPORT\nCORRECTION_REQUEST: CORRECTION_REQUEST\nDELIVERY_REPORT: DELIVERY_REPORT\nEMPTY_REPLY: EMPTY_REPLY\nUNPROCESSABLE_MAIL: UNPROCESSABLE_MAIL', enum_type=ModerationItemKind, max_length=32),
        ),
    ]

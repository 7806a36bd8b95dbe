from tortoise import migrations
from tortoise.migrations import operations as ops

# The public response cache's generation: one row whose value every write to public data
# bumps inside the writing transaction (by trigger, so no operation can forget it), and
# which every cached read compares with the generation its answer was computed at.

# Tables whose rows a public answer (feed, complaint, company page, ranking, dashboard)
# is built from. user_account only for the columns a pseudonym, the masking markers'
# language or erasure reads.
PUBLIC_TABLES = (
    'complaint',
    'message',
    'attachment',
    'company',
    'company_address',
    'company_slug_redirect',
    'company_score',
    'company_score_category',
    'company_month_stats',
    'company_day_stats',
    'awaiting_reply',
)
USER_COLUMNS = 'full_name, language, erased_at'
# A missing row (a table emptied by hand) is recreated at the current time in
# microseconds, so a generation never comes back to a value an old cached answer holds.
PG_START = '(extract(epoch FROM clock_timestamp()) * 1000000)::bigint'
SQLITE_START = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def _postgres() -> list[str]:
    # A deferred constraint trigger runs at commit, so the row lock on the generation is
    # held for the commit only, not for the whole writing transaction; the xact guard makes
    # a transaction that writes many rows bump (and write a row version) once.
    statements = [
        'CREATE TABLE IF NOT EXISTS cache_generation ('
        'id INT PRIMARY KEY, value BIGINT NOT NULL, last_xact BIGINT)',
        f'INSERT INTO cache_generation (id, value) VALUES (1, {PG_START}) ON CONFLICT DO NOTHING',
        'CREATE OR REPLACE FUNCTION amicable_bump_cache_generation() RETURNS trigger AS $$ '
        'BEGIN INSERT INTO cache_generation (id, value, last_xact) '
        f'VALUES (1, {PG_START}, txid_current()) ON CONFLICT (id) DO UPDATE '
        'SET value = cache_generation.value + 1, last_xact = txid_current() '
        'WHERE cache_generation.last_xact IS DISTINCT FROM txid_current(); '
        'RETURN NULL; END; '
        '$$ LANGUAGE plpgsql',
    ]
    targets = [(table, 'INSERT OR UPDATE OR DELETE') for table in PUBLIC_TABLES]
    targets.append(('user_account', f'UPDATE OF {USER_COLUMNS} OR DELETE'))
    for table, events in targets:
        statements.append(
            f'CREATE CONSTRAINT TRIGGER {table}_cache_generation AFTER {events} ON {table} '
            'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
            'EXECUTE FUNCTION amicable_bump_cache_generation()'
        )
    return statements


def _sqlite() -> list[str]:
    # SQLite has one writer at a time and no deferred triggers: a plain row trigger.
    statements = [
        'CREATE TABLE IF NOT EXISTS cache_generation ('
        'id INTEGER PRIMARY KEY, value INTEGER NOT NULL, last_xact INTEGER)',
        f'INSERT OR IGNORE INTO cache_generation (id, value) VALUES (1, {SQLITE_START})',
    ]
    bump = (
        f'BEGIN INSERT INTO cache_generation (id, value) VALUES (1, {SQLITE_START}) '
        'ON CONFLICT (id) DO UPDATE SET value = value + 1; END'
    )
    for table in PUBLIC_TABLES:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS {table}_cache_generation_{event.lower()} '
                f'AFTER {event} ON {table} FOR EACH ROW {bump}'
            )
    for event in (f'UPDATE OF {USER_COLUMNS}', 'DELETE'):
        name = event.split()[0].lower()
        statements.append(
            f'CREATE TRIGGER IF NOT EXISTS user_account_cache_generation_{name} '
            f'AFTER {event} ON user_account FOR EACH ROW {bump}'
        )
    return statements


async def _forward(apps, schema_editor) -> None:
    client = schema_editor.client
    dialect = client.capabilities.dialect
    statements = _sqlite() if dialect == 'sqlite' else _postgres()
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('amicable', '0010_lists')]

    initial = False

    operations = [
        ops.RunPython(_forward),
    ]

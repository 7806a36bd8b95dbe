"""A real Postfix, configured exactly as docs/mail.md says, pipes a company's reply to
`amicable inbound`, and the reply lands in the thread.

The Postfix is a private instance (`postfix -c DIR`) listening on a free loopback port,
with its own queue; the documented snippets are appended to a minimal base configuration
with only their paths, domain and secrets replaced by the test's.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from amicable.models import Message
from amicable.models.enums import ComplaintStatus, Role
from tests.conftest import PG_URL
from tests.docblocks import blocks
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill, free_port
from tests.mail.inbound.test_fixtures import REPLIES

pytestmark = pytest.mark.postfix

AMICABLE = str(Path(sys.executable).with_name("amicable"))
PIPE_USER = "amicable"

BASE_MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.amicable.test
mydomain = amicable.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
maillog_file = {dir}/maillog
maillog_file_prefixes = {dir}
"""

# Every service a private instance needs, none chrooted (a chroot needs copies of system
# files under the queue directory).
BASE_MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A folder the pipe user may enter: the SQLite database, the env file, its cwd."""
    path = Path(tempfile.mkdtemp(prefix="amicable-postfix-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def pipe_user() -> pwd.struct_passwd:
    """The documented system user, created with the documented command when missing."""
    try:
        return pwd.getpwnam(PIPE_USER)
    except KeyError:
        command = blocks("docs/mail.md")["postfix-user"]
        subprocess.run(["sh", "-e", "-c", command], check=True, timeout=30)
        return pwd.getpwnam(PIPE_USER)


@pytest.fixture
def database_url(database_template: str, workdir: Path, pipe_user: pwd.struct_passwd) -> str:
    if PG_URL:
        return database_template
    folder = workdir / "data"
    folder.mkdir()
    path = folder / "amicable.sqlite3"
    shutil.copy(database_template, path)
    # SQLite writes its journal next to the file: the pipe user owns both.
    os.chown(folder, pipe_user.pw_uid, pipe_user.pw_gid)
    os.chown(path, pipe_user.pw_uid, pipe_user.pw_gid)
    return f"sqlite://{path}"


def _command_for(user: str, workdir: Path) -> str:
    """The `amicable` command as the pipe user can run it.

    The suite's own interpreter may sit where an unprivileged user cannot reach it (a
    per-user Python under /root); then a launcher runs the same installed code with the
    system's Python 3.11.
    """
    reachable = subprocess.run(["runuser", "-u", user, "--", "test", "-x", sys.executable])
    if reachable.returncode == 0:
        return AMICABLE
    system_python = shutil.which("python3.11", path="/usr/bin:/bin")
    if system_python is None:
        pytest.fail(f"{sys.executable} is out of {user}'s reach and there is no system python3.11")
    site_packages = next(Path(sys.prefix).glob("lib/python3.11/site-packages"))
    launcher = workdir / "amicable"
    launcher.write_text(
        f"#!{system_python}\n"
        "import site, sys\n"
        f"site.addsitedir({str(site_packages)!r})\n"
        "from amicable.cli import main\n"
        "sys.exit(main())\n"
    )
    launcher.chmod(0o755)
    return str(launcher)


def _configure(config: Path, workdir: Path, settings, port: int) -> None:
    docs = blocks("docs/mail.md")
    replacements = {
        "/etc/postfix": str(config),
        "/etc/amicable/amicable.env": str(workdir / "amicable.env"),
        "/opt/amicable/.venv/bin/amicable": _command_for(PIPE_USER, workdir),
        "/var/lib/amicable": str(workdir),
        "reply.example.org": settings.reply_domain,
    }

    def adapt(text: str) -> str:
        for old, new in replacements.items():
            text = text.replace(old, new)
        return text

    ours = {
        "AMICABLE_DATABASE_URL": settings.resolved_database_url,
        "AMICABLE_SECRET_KEY": settings.secret_key,
        "AMICABLE_FROM_ADDRESS": settings.from_address,
    }
    env_lines = []
    for line in adapt(docs["postfix-env"]).splitlines():
        key, _, value = line.partition("=")
        if line.startswith("#") or not key:
            continue
        env_lines.append(f"{key}={ours.get(key, value)}")
    env_file = workdir / "amicable.env"
    env_file.write_text("\n".join(env_lines) + "\n")
    env_file.chmod(0o644)

    config.mkdir()
    (config / "queue").mkdir()
    (config / "data").mkdir()
    postfix_user = pwd.getpwnam("postfix")
    os.chown(config / "data", postfix_user.pw_uid, postfix_user.pw_gid)
    (config / "main.cf").write_text(BASE_MAIN_CF.format(dir=config) + adapt(docs["postfix-main"]))
    (config / "master.cf").write_text(
        BASE_MASTER_CF.format(port=port) + adapt(docs["postfix-master"])
    )
    (config / "transport").write_text(adapt(docs["postfix-transport"]))
    subprocess.run(["postmap", "-c", str(config), str(config / "transport")], check=True)


@pytest.fixture
def postfix(workdir: Path, settings) -> Iterator[tuple[Path, int]]:
    # Postfix's daemons run as the postfix user: their folders must be reachable by it.
    config = workdir / "postfix"
    port = free_port()
    _configure(config, workdir, settings, port)
    started = subprocess.run(
        ["postfix", "-c", str(config), "start"], timeout=60, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stdout + started.stderr
    yield config, port
    subprocess.run(["postfix", "-c", str(config), "abort"], timeout=60, capture_output=True)


def _maillog(config: Path) -> str:
    path = config / "maillog"
    return path.read_text(errors="replace") if path.exists() else ""


async def test_postfix_pipes_a_company_reply_into_the_thread(services, postfix, workdir):
    config, _port = postfix
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    complaint = await make_complaint(services, consumer, company)
    raw = await fill("gmail_nl.eml", complaint)
    reply_to = raw.split(b"\r\nTo: ", 1)[1].split(b"\r\n", 1)[0].decode()

    # The company's mail enters Postfix the way local submissions do.
    submit = await asyncio.create_subprocess_exec(
        "sendmail", "-C", str(config), "-f", "sofie.peeters@telenova.be", "--", reply_to,
        stdin=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await submit.communicate(raw.replace(b"\r\n", b"\n"))
    assert submit.returncode == 0

    messages: list[Message] = []
    for _ in range(240):
        messages = await Message.filter(complaint_id=complaint.id)
        if messages:
            break
        await asyncio.sleep(0.25)
    log = ""
    for _ in range(40):
        log = _maillog(config)
        if "status=sent" in log:
            break
        await asyncio.sleep(0.25)
    assert messages, f"the reply never arrived; Postfix's log:\n{log}"
    [message] = messages
    assert message.body == REPLIES["gmail_nl.eml"]
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.ANSWERED
    assert "relay=amicable" in log and "status=sent" in log


async def test_postfix_bounces_an_unknown_reply_address(services, postfix):
    config, _port = postfix
    address = "reply+00000000000000000000@reply.amicable.test"
    submit = await asyncio.create_subprocess_exec(
        "sendmail", "-C", str(config), "-f", "someone@elsewhere.test", "--", address,
        stdin=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await submit.communicate(b"From: someone@elsewhere.test\nSubject: hi\n\nhello\n")
    log = ""
    for _ in range(240):
        log = _maillog(config)
        if "status=bounced" in log or "status=deferred" in log:
            break
        await asyncio.sleep(0.25)
    assert "status=bounced" in log and "relay=amicable" in log, log

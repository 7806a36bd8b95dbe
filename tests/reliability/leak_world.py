"""The leak hunt's world: a hypothesis state machine that builds random worlds through the
real operations (accounts of every role and a partner key, public and private complaints,
with and without files, held, rejected and redacted messages with files, visibility
switches, escalations, erasures, company merges, withdrawn reply links).

It only builds; the checks (`leak_queries`, `leak_live`, `leak_files`) ask every door as
every viewer, and `test_leak_hunt` runs them after every step.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, multiple, rule

from amicable import policy
from amicable.app import create_app
from amicable.db import close_db, open_db
from amicable.infra.errors import OperationFailed
from amicable.models import Company, Complaint, ModerationItem
from amicable.models.enums import Role, Visibility
from amicable.models.moderation import ModerationDecision, ModerationItemStatus
from amicable.resolvers import (
    accounts,
    complaints,
    data_rights,
    escalations,
    magic_links,
    merge,
    messages,
)
from amicable.resolvers import moderation as moderation_ops
from amicable.resolvers.attachments import Upload
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from tests.conftest import PG_URL, _truncate_postgres
from tests.factories import Actor, make_company, make_user
from tests.reliability.leak_links import mailed_reply_links

ABUSIVE = "Idioot, oplichters!"


@dataclass(frozen=True)
class Seat:
    """One viewer the checks ask as: a label for messages, the credential it presents
    (None: anonymous) and who the credential stands for now (None: it no longer works)."""

    label: str
    credential: str | None
    viewer: policy.Viewer | None


class World(RuleBasedStateMachine):
    """One world per example, on a database of its own."""

    template: str = ""

    filed = Bundle("filed")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.workdir = Path(tempfile.mkdtemp(prefix="leak-hunt-"))
        if PG_URL:
            url = self.template
        else:
            shutil.copy(self.template, self.workdir / "db.sqlite3")
            url = f"sqlite://{self.workdir / 'db.sqlite3'}"
        self.settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=self.workdir,
            database_url=url,
            secret_key="test-secret-key",
            smtpd_bind="off",
            # One query per viewer asks about every complaint at once.
            max_aliases=1000,
            max_tokens=100_000,
            max_request_bytes=2_000_000,
            rate_limit_complaint_create=1000,
            # Every live event asks again whether the credential holds: a withdrawn reply
            # link or an erased account must hear nothing more, not after a grace period.
            websocket_recheck_seconds=0,
        )
        self.run(open_db(self.settings, run_migrations=False))
        if PG_URL:
            self.run(_truncate_postgres())
        bus = EventBus("memory://")
        self.run(bus.connect())
        self.services = Services(settings=self.settings, events=bus)
        app = create_app(self.settings, services=self.services)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        self.actors: list[Actor] = []
        self.consumers: list[Actor] = []
        self.companies: list[uuid.UUID] = []
        self.moderator: Actor | None = None
        self.partner_key = ""

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        try:
            self.close()
            self.run(self.http.aclose())
            self.run(self.services.events.disconnect())
            self.run(self.services.rate_limiter.aclose())
            self.run(close_db())
        finally:
            self.loop.close()
            shutil.rmtree(self.workdir, ignore_errors=True)

    def close(self) -> None:
        """For the checks' own resources (open subscriptions), before the database goes."""

    # --- building the world ---------------------------------------------------------------

    @initialize(target=filed)
    def cast(self) -> Any:
        """Every role, and from the start a private and a public complaint: every world
        has something to leak."""

        async def build() -> list[uuid.UUID]:
            moderator = await make_user(self.services, Role.MODERATOR)
            self.moderator = moderator
            self.actors += [moderator, await make_user(self.services, Role.LAWYER)]
            _, self.partner_key = await accounts.create_api_key(
                moderator.viewer, partner_name="Dashboards"
            )
            made = []
            for name in ("Telenova", "Energix"):
                company = await make_company(moderator.viewer, name)
                self.companies.append(company.id)
                self.actors.append(await make_user(self.services, Role.AGENT, company=company))
            for member, visibility in ((True, Visibility.PRIVATE), (False, Visibility.PUBLIC)):
                consumer = await make_user(self.services, Role.CONSUMER, member=member)
                self.actors.append(consumer)
                self.consumers.append(consumer)
                complaint = await self._file(consumer, self.companies[0], visibility, [False, True])
                assert complaint is not None
                made.append(complaint)
            # On the public complaint a published and a held message of its consumer (the
            # company does not answer yet, so it may still turn private), on the private one
            # the company's answer; each with a public and a private file.
            agent = await accounts.authenticate(self.services, self.actors[2].token)
            assert agent is not None
            owner = self.consumers[1].viewer
            for viewer, complaint_id, body in (
                (owner, made[1], "Nog steeds geen verbinding."),
                (owner, made[1], ABUSIVE),
                (agent, made[0], "Wij bekijken het."),
            ):
                await messages.post(
                    self.services, viewer, complaint_id, body, uploads=_uploads([False, True])
                )
            return made

        return multiple(*self.run(build()))

    @rule(member=st.booleans())
    def join(self, member: bool) -> None:
        actor = self.run(make_user(self.services, Role.CONSUMER, member=member))
        self.actors.append(actor)
        self.consumers.append(actor)

    @rule(
        target=filed,
        data=st.data(),
        company=st.integers(0, 1),
        private=st.booleans(),
        files=st.lists(st.booleans(), max_size=2),
    )
    def file(
        self, data: st.DataObject, company: int, private: bool, files: list[bool]
    ) -> uuid.UUID | None:
        """A complaint, with files (each public or private) filed along."""
        if not self.consumers:
            return None
        consumer = data.draw(st.sampled_from(self.consumers))
        target = self.companies[company % len(self.companies)]
        visibility = Visibility.PRIVATE if private else Visibility.PUBLIC
        return self.run(self._file(consumer, target, visibility, files))

    @rule(
        complaint_id=filed,
        who=st.sampled_from(["owner", "agent", "moderator"]),
        abusive=st.booleans(),
        files=st.lists(st.booleans(), max_size=2),
    )
    def post(
        self, complaint_id: uuid.UUID | None, who: str, abusive: bool, files: list[bool]
    ) -> None:
        """A message, with files: an abusive one is held with its files."""
        if complaint_id is None:
            return

        async def go() -> None:
            complaint = await Complaint.get(id=complaint_id)
            viewer = await self._poster(who, complaint)
            if viewer is None:
                return
            body = ABUSIVE if abusive else "Wij bekijken het."
            # Closed, held, or not theirs to answer: the world just goes on.
            with contextlib.suppress(OperationFailed):
                await messages.post(
                    self.services, viewer, complaint_id, body, uploads=_uploads(files)
                )

        self.run(go())

    @rule(complaint_id=filed)
    def switch_visibility(self, complaint_id: uuid.UUID | None) -> None:
        if complaint_id is None:
            return

        async def go() -> None:
            complaint = await Complaint.get(id=complaint_id)
            owner = await self._viewer_for_user(complaint.consumer_id)
            if owner is None:
                return
            flipped = (
                Visibility.PUBLIC
                if complaint.visibility is Visibility.PRIVATE
                else Visibility.PRIVATE
            )
            with contextlib.suppress(OperationFailed):
                await complaints.set_visibility(self.services, owner, complaint_id, flipped)

        self.run(go())

    @rule(complaint_id=filed)
    def escalate(self, complaint_id: uuid.UUID | None) -> None:
        if complaint_id is None:
            return

        async def go() -> None:
            complaint = await Complaint.get(id=complaint_id)
            owner = await self._viewer_for_user(complaint.consumer_id)
            if owner is None:
                return
            with contextlib.suppress(OperationFailed):
                await escalations.escalate(self.services, owner, complaint_id, "Help, please.")

        self.run(go())

    @rule(decision=st.sampled_from(list(ModerationDecision)))
    def moderate(self, decision: ModerationDecision) -> None:
        async def go() -> None:
            assert self.moderator is not None
            item = await ModerationItem.filter(status=ModerationItemStatus.OPEN).first()
            if item is None:
                return
            redaction = (
                moderation_ops.Redaction(title="[redacted]", body="[redacted]")
                if decision is ModerationDecision.REDACT
                else None
            )
            with contextlib.suppress(OperationFailed):
                await moderation_ops.decide(
                    self.services, self.moderator.viewer, item.id, decision, "hunt", redaction
                )

        self.run(go())

    @rule(complaint_id=filed, every=st.booleans())
    def withdraw_reply_links(self, complaint_id: uuid.UUID | None, every: bool) -> None:
        """A moderator withdraws one mailed reply link of a complaint, or all of them."""
        if complaint_id is None:
            return

        async def go() -> None:
            assert self.moderator is not None
            mine = [link for owner, link in await mailed_reply_links() if owner == complaint_id]
            if not mine:
                return
            one = None if every else mine[-1]
            await magic_links.revoke(self.services, self.moderator.viewer, complaint_id, one)

        self.run(go())

    @rule(data=st.data())
    def erase(self, data: st.DataObject) -> None:
        if not self.consumers:
            return
        consumer = data.draw(st.sampled_from(self.consumers))
        self.consumers.remove(consumer)
        self.run(data_rights.erase(self.services, consumer.viewer))
        self.actors = [a for a in self.actors if a.user.id != consumer.user.id]

    @rule()
    def merge_companies(self) -> None:
        if len(self.companies) < 2:
            return
        assert self.moderator is not None
        survivor, duplicate = self.companies[0], self.companies[1]
        self.run(merge.merge(self.services, self.moderator.viewer, survivor, duplicate))
        self.companies = [survivor]

    # --- who asks ---------------------------------------------------------------------------

    async def seats(self) -> list[Seat]:
        """Everyone: anonymous, every account, the partner key, and the first and the
        newest reply link the platform mailed (withdrawn or not: a withdrawn one must no
        longer open anything). Each link sees its one thread; two stand for all."""
        seats = [Seat("anonymous", None, policy.Viewer.anonymous())]
        for actor in self.actors:
            viewer = await accounts.authenticate(self.services, actor.token)
            seats.append(Seat(f"{actor.user.role.value}:{actor.user.id}", actor.token, viewer))
        if self.partner_key:
            viewer = await accounts.authenticate(self.services, self.partner_key)
            seats.append(Seat("partner", self.partner_key, viewer))
        links = await mailed_reply_links()
        for complaint_id, link in dict.fromkeys(links[:1] + links[-1:]):
            viewer = await accounts.authenticate(self.services, link)
            seats.append(Seat(f"link:{complaint_id}:{link[-6:]}", link, viewer))
        return seats

    # --- helpers ---------------------------------------------------------------------------

    async def _file(
        self, consumer: Actor, company_id: uuid.UUID, visibility: Visibility, files: list[bool]
    ) -> uuid.UUID | None:
        target = await Company.get_or_none(id=company_id)
        if target is None:  # merged away
            target = await Company.first()
        assert target is not None
        draft = complaints.ComplaintDraft(
            title="Internet valt elke avond weg",
            description="Sinds drie weken valt mijn internetverbinding elke avond weg.",
            visibility=visibility,
            company_id=target.id,
            customer_reference="KL-778899",
            phone="+32 470 12 34 56",
            postal_address="Kerkstraat 1, 9000 Gent",
            uploads=_uploads(files),
        )
        try:
            made = await complaints.create(self.services, consumer.viewer, draft)
        except OperationFailed:
            return None  # the consumer was erased, say
        return made.id

    async def post_graphql(
        self, query: str, credential: str | None, **variables: Any
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {credential}"} if credential else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def query(self, query: str, credential: str | None) -> dict[str, Any]:
        answer = await self.post_graphql(query, credential)
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]  # type: ignore[no-any-return]

    async def _viewer_for_user(self, user_id: uuid.UUID) -> policy.Viewer | None:
        for actor in self.actors:
            if actor.user.id == user_id:
                return await accounts.authenticate(self.services, actor.token)
        return None

    async def _poster(self, who: str, complaint: Complaint) -> policy.Viewer | None:
        if who == "owner":
            return await self._viewer_for_user(complaint.consumer_id)
        if who == "moderator":
            assert self.moderator is not None
            return self.moderator.viewer
        for actor in self.actors:
            viewer = await accounts.authenticate(self.services, actor.token)
            if viewer is not None and viewer.acts_for(complaint.company_id):
                return viewer
        return None


def _uploads(private_flags: list[bool]) -> list[Upload]:
    return [
        Upload(f"bewijs-{i}.txt", f"Factuur {i}, {uuid.uuid4().hex}".encode(), private)
        for i, private in enumerate(private_flags)
    ]

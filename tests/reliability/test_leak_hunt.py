"""A leak hunt that invents its own worlds.

A hypothesis state machine builds random worlds through the real operations (accounts of
every role, public and private complaints, held, rejected and redacted messages,
visibility switches, escalations, erasures, company merges) and after every step asks
every query path, as every viewer, over GraphQL: the complaint by id, by reference and as
a node, the complaints list with its totalCount, search, each company's page, the
moderation queue and the escalations. Nothing the policy denies may come back, counts
included, and a denied complaint must answer exactly like one that does not exist.

The oracle is `amicable.policy` applied to rows reloaded from the database: the hunt
proves that every query path agrees with the one policy.

A few examples run in the regular suite; `AMICABLE_LEAK_HUNT_EXAMPLES` asks for more
(`.ci/run` sets it for the PostgreSQL run).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from amicable import policy
from amicable.app import create_app
from amicable.db import close_db, open_db
from amicable.infra.errors import OperationFailed
from amicable.models import Company, Complaint, Message, ModerationItem
from amicable.models.enums import Role, Visibility
from amicable.models.moderation import ModerationDecision, ModerationItemStatus
from amicable.resolvers import accounts, complaints, data_rights, escalations, merge, messages
from amicable.resolvers import moderation as moderation_ops
from amicable.schema.relay import global_id
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from tests.conftest import PG_URL, _truncate_postgres
from tests.factories import Actor, make_company, make_complaint, make_user

EXAMPLES = int(os.environ.get("AMICABLE_LEAK_HUNT_EXAMPLES", "4"))
STEPS = int(os.environ.get("AMICABLE_LEAK_HUNT_STEPS", "12"))

COMPLAINT_FIELDS = "id reference title visibility status"
PER_COMPLAINT = """
  n{i}: node(id: "{gid}") {{ id ... on Complaint {{ messages(first: 100) {{ nodes {{ id }} }} }} }}
  c{i}: complaint(id: "{gid}") {{ id privateDetails {{ __typename }} }}
  r{i}: complaint(reference: "{ref}") {{ id }}
"""
LISTS = """
  all: complaints(first: 100) { totalCount nodes { id } }
  found: complaints(first: 100, filter: {text: "Internet"}) { totalCount nodes { id } }
"""
PER_COMPANY = """
  p{i}: company(slug: "{slug}") {{ complaints(first: 100) {{ totalCount nodes {{ id }} }} }}
"""
DENIED_VS_MISSING = """query($id: ID!, $ref: String!) {
  node(id: $id) { id }
  complaint(id: $id) { id title }
  byRef: complaint(reference: $ref) { id }
}"""
STAFF_LISTS = """{
  moderationQueue(first: 100) { totalCount nodes { id } }
  escalations(first: 100) { totalCount nodes { id } }
}"""


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

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        try:
            self.run(self.http.aclose())
            self.run(self.services.events.disconnect())
            self.run(self.services.rate_limiter.aclose())
            self.run(close_db())
        finally:
            self.loop.close()
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- building the world ---------------------------------------------------------------

    @initialize(target=filed)
    def cast(self) -> Any:
        """Every role, and from the start a private and a public complaint: every world
        has something to leak."""

        async def build() -> list[uuid.UUID]:
            moderator = await make_user(self.services, Role.MODERATOR)
            self.moderator = moderator
            self.actors += [moderator, await make_user(self.services, Role.LAWYER)]
            made = []
            for name in ("Telenova", "Energix"):
                company = await make_company(moderator.viewer, name)
                self.companies.append(company.id)
                self.actors.append(await make_user(self.services, Role.AGENT, company=company))
            for member, visibility in ((True, Visibility.PRIVATE), (False, Visibility.PUBLIC)):
                consumer = await make_user(self.services, Role.CONSUMER, member=member)
                self.actors.append(consumer)
                self.consumers.append(consumer)
                company = await Company.get(id=self.companies[0])
                complaint = await make_complaint(
                    self.services, consumer, company, visibility=visibility
                )
                made.append(complaint.id)
            return made

        return multiple(*self.run(build()))

    @rule(member=st.booleans())
    def join(self, member: bool) -> None:
        actor = self.run(make_user(self.services, Role.CONSUMER, member=member))
        self.actors.append(actor)
        self.consumers.append(actor)

    @rule(target=filed, data=st.data(), company=st.integers(0, 1), private=st.booleans())
    def file(self, data: st.DataObject, company: int, private: bool) -> uuid.UUID | None:
        if not self.consumers:
            return None
        consumer = data.draw(st.sampled_from(self.consumers))

        async def go() -> uuid.UUID | None:
            target = await Company.get_or_none(id=self.companies[company % len(self.companies)])
            if target is None:  # merged away
                target = await Company.first()
            assert target is not None
            visibility = Visibility.PRIVATE if private else Visibility.PUBLIC
            try:
                made = await make_complaint(self.services, consumer, target, visibility=visibility)
            except OperationFailed:
                return None  # the consumer was erased, say
            return made.id

        return self.run(go())

    @rule(
        complaint_id=filed,
        who=st.sampled_from(["owner", "agent", "moderator"]),
        abusive=st.booleans(),
    )
    def post(self, complaint_id: uuid.UUID | None, who: str, abusive: bool) -> None:
        if complaint_id is None:
            return

        async def go() -> None:
            complaint = await Complaint.get(id=complaint_id)
            viewer = await self._poster(who, complaint)
            if viewer is None:
                return
            body = "Idioot, oplichters!" if abusive else "Wij bekijken het."
            # Closed, held, or not theirs to answer: the world just goes on.
            with contextlib.suppress(OperationFailed):
                await messages.post(self.services, viewer, complaint_id, body)

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

    # --- the check --------------------------------------------------------------------------

    @invariant()
    def nothing_denied_comes_back(self) -> None:
        if not self.actors:
            return  # before the cast is made
        self.run(self._check())

    async def _check(self) -> None:
        rows = await Complaint.all()
        all_messages = await Message.all()
        companies = await Company.all()
        for actor in [None, *self.actors]:
            token = actor.token if actor else None
            viewer = await accounts.authenticate(self.services, token) if token else None
            viewer = viewer or policy.Viewer.anonymous()
            await self._check_viewer(token, viewer, rows, all_messages, companies)

    async def _check_viewer(
        self,
        token: str | None,
        viewer: policy.Viewer,
        rows: list[Complaint],
        all_messages: list[Message],
        companies: list[Any],
    ) -> None:
        visible = {
            global_id("Complaint", c.id) for c in rows if policy.can_see_complaint(viewer, c)
        }
        by_id = {global_id("Complaint", c.id): c for c in rows}
        parts = [
            PER_COMPLAINT.format(i=i, gid=global_id("Complaint", c.id), ref=c.reference)
            for i, c in enumerate(rows)
        ]
        parts += [PER_COMPANY.format(i=i, slug=c.slug) for i, c in enumerate(companies)]
        data = await self._query("{" + "".join(parts) + LISTS + "}", token)
        for i, complaint in enumerate(rows):
            gid = global_id("Complaint", complaint.id)
            allowed = gid in visible
            for key in (f"n{i}", f"c{i}", f"r{i}"):
                got = data[key]
                assert (got is not None) == allowed, (viewer, key, complaint.visibility, got)
            if not allowed:
                continue
            details = data[f"c{i}"]["privateDetails"]
            assert (details is not None) == policy.can_see_private_details(viewer, complaint)
            seen = {node["id"] for node in data[f"n{i}"]["messages"]["nodes"]}
            allowed_messages = {
                global_id("Message", m.id)
                for m in all_messages
                if m.complaint_id == complaint.id and policy.can_see_message(viewer, complaint, m)
            }
            assert seen == allowed_messages, (viewer, complaint.id)
        for key in ("all", "found"):
            listed = {node["id"] for node in data[key]["nodes"]}
            assert listed <= visible, (viewer, key, listed - visible)
            assert data[key]["totalCount"] == len(data[key]["nodes"]), (viewer, key)
        for i, company in enumerate(companies):
            page = data[f"p{i}"]
            if page is None:
                continue
            listed = {node["id"] for node in page["complaints"]["nodes"]}
            assert listed <= visible, (viewer, company.slug, listed - visible)
            assert page["complaints"]["totalCount"] == len(listed)
            assert all(by_id[g].company_id == company.id for g in listed)
        denied = [c for c in rows if global_id("Complaint", c.id) not in visible]
        if denied:
            await self._denied_looks_missing(token, denied[0])
        await self._staff_lists(token, viewer)

    async def _denied_looks_missing(self, token: str | None, complaint: Complaint) -> None:
        real = global_id("Complaint", complaint.id)
        fake = global_id("Complaint", uuid.uuid4())
        answer = await self._post(DENIED_VS_MISSING, token, id=real, ref=complaint.reference)
        missing = await self._post(DENIED_VS_MISSING, token, id=fake, ref="AM-ZZZZZZ")
        assert json.dumps(answer).replace(real, fake) == json.dumps(missing)

    async def _staff_lists(self, token: str | None, viewer: policy.Viewer) -> None:
        answer = await self._post(STAFF_LISTS, token)
        data = answer.get("data") or {}
        if not policy.can_moderate(viewer):
            assert not data.get("moderationQueue"), (viewer, answer)
        if not (policy.can_handle_escalations(viewer) or viewer.user_id):
            assert not data.get("escalations"), (viewer, answer)
        mine = data.get("escalations")
        if mine and not policy.can_handle_escalations(viewer):
            # A consumer's own escalations only.
            from amicable.models import Escalation

            own = {
                global_id("Escalation", e.id)
                for e in await Escalation.filter(complaint__consumer_id=viewer.user_id)
            }
            assert {n["id"] for n in mine["nodes"]} <= own

    # --- helpers ---------------------------------------------------------------------------

    async def _query(self, query: str, token: str | None) -> dict[str, Any]:
        answer = await self._post(query, token)
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]  # type: ignore[no-any-return]

    async def _post(self, query: str, token: str | None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

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


def test_no_viewer_ever_sees_what_the_policy_denies(database_template: str) -> None:
    World.template = database_template
    run_state_machine_as_test(
        World,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )

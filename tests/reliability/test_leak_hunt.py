"""A leak hunt that invents its own worlds.

A hypothesis state machine (`leak_world`) builds random worlds through the real
operations, and after every step the checks ask every door as every viewer (anonymous,
every role, a partner key, every mailed reply link, withdrawn ones included):

- every query path, counts included (`leak_queries`); a denied complaint answers exactly
  like one that does not exist;
- the live subscriptions `messageAdded`, `complaintUpdated` and `notifications`, held open
  across the steps (`leak_live`): nothing arrives that the policy denied when it arrived,
  and subscribing to a denied complaint answers like subscribing to a missing one;
- every file listed and every download link (`leak_files`): listed and downloadable as
  the policy says, and a link kept from an earlier step answers like a missing file once
  its holder may no longer have it.

The oracle is `amicable.policy` applied to rows reloaded from the database: the hunt
proves that every door agrees with the one policy.

A few examples run in the regular suite; `AMICABLE_LEAK_HUNT_EXAMPLES` asks for more
(`.ci/run` sets it for the PostgreSQL run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from amicable.models import Attachment, Company, Complaint, Message
from tests.reliability.leak_files import FileWatch
from tests.reliability.leak_live import LiveWatch
from tests.reliability.leak_queries import check_queries, check_withdrawn
from tests.reliability.leak_world import World

EXAMPLES = int(os.environ.get("AMICABLE_LEAK_HUNT_EXAMPLES", "4"))
STEPS = int(os.environ.get("AMICABLE_LEAK_HUNT_STEPS", "12"))


class Hunt(World):
    def __init__(self) -> None:
        super().__init__()
        self.live = LiveWatch(self)
        self.files = FileWatch(self)

    def close(self) -> None:
        self.run(self.live.close())

    @invariant()
    def nothing_denied_comes_back(self) -> None:
        if not self.actors:
            return  # before the cast is made
        self.run(self._check())

    async def _check(self) -> None:
        await self.live.settle()
        self.live.assert_nothing_leaked()
        rows = await Complaint.all()
        all_messages = await Message.all()
        companies = await Company.all()
        files = await Attachment.all()
        # Links handed out in earlier steps first: this step's checks hand out new ones.
        await self.files.fetch_handed()
        seats = await self.seats()
        for seat in seats:
            if seat.viewer is None:
                await check_withdrawn(self, seat)
                continue
            data = await check_queries(self, seat, rows, all_messages, companies)
            await self.files.check(seat, rows, all_messages, files, data)
        await self.live.follow(seats, rows)


def test_no_viewer_ever_sees_what_the_policy_denies(database_template: str) -> None:
    Hunt.template = database_template
    run_state_machine_as_test(
        Hunt,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )

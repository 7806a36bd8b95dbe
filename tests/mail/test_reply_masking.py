"""A company's mailed reply that greets the consumer by name and repeats their number,
address and customer reference is published with all of it masked for the public, and
read whole by the consumer and the company."""

from __future__ import annotations

from amicable.mail.inbound.pipeline import receive
from amicable.models import Message
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user
from tests.mail.conftest import fill, flush

QUERY = """query($id: ID!) { complaint(id: $id) {
  messages { edges { node { body isRedacted authorName } } } } }"""
PUBLIC = (
    "Geachte heer [naam verwijderd],\nBeste [naam verwijderd],\n\nWij hebben uw dossier "
    "(klantnummer [klantnummer verwijderd]) nagekeken. Onze technicus\nbelt u morgen op "
    "[telefoonnummer verwijderd] en komt langs in de [adres verwijderd].\n\n"
    "Met vriendelijke groeten,\n\nSofie Peeters\nKlantendienst Telenova\n"
    "[e-mailadres verwijderd]"
)


async def test_mailed_reply_is_masked_for_the_public(services, worker, gql):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    agent = await make_user(services, Role.AGENT, company=company, name="Sofie Peeters")
    complaint = await make_complaint(services, consumer, company)
    await flush(worker)

    raw = await fill("reply_greets_consumer_by_name_nl.eml", complaint)
    verdict = await receive(services, raw, door=InboundDoor.SMTP)
    assert verdict.outcome == "POSTED", verdict
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body.startswith("Geachte heer De Smet,\nBeste Jan,")
    assert message.public_body == PUBLIC
    assert message.is_redacted

    complaint_id = gid("Complaint", complaint.id)
    for token in (None, (await make_user(services, name="Piet Peeters")).token):
        data = await GraphQLClient(gql.http, token).data(QUERY, id=complaint_id)
        [edge] = data["complaint"]["messages"]["edges"]
        assert edge["node"] == {"body": PUBLIC, "isRedacted": True, "authorName": "Telenova"}
    for token in (consumer.token, agent.token, moderator.token):
        data = await GraphQLClient(gql.http, token).data(QUERY, id=complaint_id)
        [edge] = data["complaint"]["messages"]["edges"]
        assert edge["node"]["body"] == message.body

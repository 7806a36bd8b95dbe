from amicable.models.enums import Role
from tests.factories import make_company, make_complaint, make_user


async def test_public_complaint_is_listed_for_anonymous(services, gql):
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    complaint = await make_complaint(services, consumer, company)
    data = await gql.data(
        "{ complaints { totalCount edges { node { reference consumer { pseudonym fullName } } } } }"
    )
    assert data["complaints"]["totalCount"] == 1
    node = data["complaints"]["edges"][0]["node"]
    assert node == {
        "reference": complaint.reference,
        "consumer": {"pseudonym": "Jan D.", "fullName": None},
    }

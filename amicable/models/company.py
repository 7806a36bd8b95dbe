"""The company aggregate: a company, its complaint addresses."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from amicable.models.enums import Language


class Company(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=120, unique=True)
    # Other names consumers use for the company ("Proximus" for "Proximus NV").
    aliases: fields.Field[list[str]] = fields.JSONField(default=list)
    # Lower-cased name and aliases, so search is one indexed-friendly LIKE on one column.
    search_text = fields.TextField(default="")
    listed = fields.BooleanField(default=False, db_index=True)
    language = fields.CharEnumField(Language, max_length=2, default=Language.NL)
    contact_person = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    addresses: fields.ReverseRelation[CompanyAddress]

    class Meta:
        table = "company"

    def refresh_search_text(self) -> None:
        self.search_text = " ".join([self.name, *self.aliases]).lower()


class CompanyAddress(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="addresses", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    # Set when mail to it bounces; a moderator fixes the company's address.
    failing = fields.BooleanField(default=False)
    position = fields.SmallIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "company_address"
        unique_together = (("company", "email"),)
        ordering = ["position", "created_at"]

"""Permissions declared on fields. Each asks `amicable.policy`; none decides on its own.

Top-level denials carry only their code (UNAUTHENTICATED or FORBIDDEN). Private fields use
the same classes with `fail_silently`, so a denial nulls the field and nothing else.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from amicable import policy
from amicable.policy import Capability
from amicable.schema.context import Info


class IsAuthenticated(BasePermission):
    message = "Unauthenticated"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.viewer.is_authenticated


class IsUser(BasePermission):
    """A person's account, not a partner's read-only key."""

    message = "Forbidden"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.viewer.is_user


class CanWriteMessages(BasePermission):
    """People's accounts, and a reply link's holder (in its one thread)."""

    message = "Forbidden"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_write_messages(info.context.viewer)


class _HasCapability(BasePermission):
    message = "Forbidden"
    error_extensions = {"code": "FORBIDDEN"}
    capability: Capability

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.viewer.can(self.capability)


class IsModerator(_HasCapability):
    """The moderation queue, its decisions, companies and merges."""

    capability = Capability.MODERATE


class IsConsumer(_HasCapability):
    """Filing complaints and what comes with them (escalating, erasing one's account)."""

    capability = Capability.FILE_COMPLAINTS


class CanHandleEscalations(BasePermission):
    """Lawyers and moderators: escalated dossiers and lawyers' notes."""

    message = "Forbidden"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_handle_escalations(info.context.viewer)


class CanSeePrivateDetails(BasePermission):
    """On fields of a Complaint (or of something holding its complaint as `complaint_model`)."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_see_private_details(info.context.viewer, source.complaint_model)


class CanSeeOriginalText(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.sees_original_text(info.context.viewer, source.complaint_model)


class CanSeeSenderAddresses(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_see_sender_addresses(info.context.viewer, source.complaint_model)


class CanSeeDelivery(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_see_delivery(info.context.viewer, source.complaint_model)


class CanSeeDeliveryErrors(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_see_delivery_errors(info.context.viewer, source.complaint_model)


class CanSeeCompanyContacts(BasePermission):
    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_see_company_contacts(info.context.viewer, source.model)


def requires(*permissions: BasePermission) -> list[FieldExtension]:
    """For operations: a denial is a top-level UNAUTHENTICATED/FORBIDDEN error."""
    return [PermissionExtension(permissions=list(permissions), use_directives=False)]


def private(*permissions: BasePermission) -> list[FieldExtension]:
    """For private fields: a denial answers null (or an empty list), silently."""
    return [
        PermissionExtension(permissions=list(permissions), fail_silently=True, use_directives=False)
    ]

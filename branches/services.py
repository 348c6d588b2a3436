"""Writes to townships, villages, branches and party members (SPEC §2)."""

from django.db import transaction

from portal.services import ensure_may_change, ensure_parent_in_scope, validated_save

from .models import Branch, PartyMember, Township, Village


@transaction.atomic
def village_record(*, user, village: Village | None = None, **fields) -> Village:
    village = village or Village()
    ensure_may_change(user, village)
    for key, value in fields.items():
        setattr(village, key, value)
    if village.township_id:
        ensure_parent_in_scope(user, Township.objects.get(pk=village.township_id))
    return validated_save(village)


@transaction.atomic
def branch_record(*, user, branch: Branch | None = None, villages=None, **fields) -> Branch:
    branch = branch or Branch()
    ensure_may_change(user, branch)
    for key, value in fields.items():
        setattr(branch, key, value)
    if branch.township_id:
        ensure_parent_in_scope(user, Township.objects.get(pk=branch.township_id))
    validated_save(branch)
    if villages is not None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        villages = list(villages)
        if any(v.township_id != branch.township_id for v in villages):
            raise ValidationError(_("A branch covers villages of its own township only."))
        branch.villages.set(villages)
    return branch


@transaction.atomic
def member_record(*, user, member: PartyMember | None = None, **fields) -> PartyMember:
    member = member or PartyMember()
    ensure_may_change(user, member)
    for key, value in fields.items():
        setattr(member, key, value)
    if member.branch_id:
        ensure_parent_in_scope(user, Branch.objects.get(pk=member.branch_id))
    return validated_save(member)

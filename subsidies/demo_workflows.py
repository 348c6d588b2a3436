"""Demo workflows, run by ``demo_users`` once the demo logins exist (the steps need users of
each role): living-allowance applications at three steps, and last year's award list
approved. Everything goes through the real services; nothing is written when any allowance
application or award list exists already, so running ``demo_users`` again changes nothing."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cadres.choices import EndReason, PostRole
from cadres.models import Post
from portal.models import User

from .allowance import services as allowance
from .allowance.models import AllowanceApplication
from .award import services as award
from .models import AwardList

log = logging.getLogger(__name__)


def _scan() -> SimpleUploadedFile:
    from training.demo import _png

    return SimpleUploadedFile("申报表.png", _png(), content_type="image/png")


def _former_secretaries(township, limit: int) -> list:
    """Former secretaries of the township whose last tenure ended by 2008 for a normal
    reason: the demo registry holds several on purpose."""
    posts = (
        Post.objects.filter(
            village__township=township,
            role=PostRole.SECRETARY,
            end_date__lte=date(2008, 12, 31),
            end_reason__in=[EndReason.TERM_ENDED, EndReason.RETIRED, EndReason.HEALTH],
            person__died_on__isnull=True,
        )
        .select_related("person", "village")
        .order_by("person_id", "start_date")
    )
    chosen, seen = [], set()
    for post in posts:
        person = post.person
        if person.pk in seen:
            continue
        tenures = list(person.posts.filter(role=PostRole.SECRETARY).order_by("start_date"))
        if any(t.end_date is None or t.end_date > date(2008, 12, 31) for t in tenures):
            continue
        months = sum(
            (t.end_date.year - t.start_date.year) * 12 + t.end_date.month - t.start_date.month + 1
            for t in tenures
        )
        if months >= 120:
            seen.add(person.pk)
            chosen.append((person, post.village, tenures))
        if len(chosen) == limit:
            break
    return chosen


def _declare(person, village, tenures, today):
    # Filed by the demo loader itself (no user): the demo's one township staff login then
    # takes the review steps, which nobody may take on a declaration they filed (issue 9
    # item 7). The payee data is the registry's, so approval keeps it.
    return allowance.application_declare(
        user=None,
        village=village,
        name=person.name,
        id_number=person.id_number,
        declared_on=today.replace(day=1),
        tenures=[
            {
                "village": t.village,
                "start_month": t.start_date.replace(day=1),
                "end_month": t.end_date.replace(day=1),
                "end_reason": t.end_reason,
            }
            for t in tenures
        ],
        referees=[{"name": "王德明", "relation": "原村委会主任", "phone": "13907920001"}],
        scans=[_scan()],
        phone=person.phone,
        bank_name=person.bank_name,
        bank_account=person.bank_account,
        address=f"{village.name}",
    )


def _words(exc) -> str:
    return "; ".join(getattr(exc, "messages", [str(exc)]))


def load_workflow_demo(*, users: dict[str, User], today: date, say=print) -> None:
    if AllowanceApplication.objects.exists() or AwardList.objects.exists():
        say("workflows: already there")
        return
    town, admin, finance = users["town"], users["admin"], users["finance"]
    discipline, comprehensive = users["reviewer"], users["reviewer2"]
    try:
        with transaction.atomic():
            cases = _former_secretaries(town.township, 3)
            for n, (person, village, tenures) in enumerate(cases):
                application = _declare(person, village, tenures, today)
                if n == 2:
                    continue  # waits for the village review
                allowance.application_village_review(
                    user=town, application=application, comment="村党支部研究同意上报"
                )
                allowance.application_start_review(
                    user=town, application=application, investigator=town, comment="入户走访核实"
                )
                if n == 1:
                    continue  # waits for the reviewers' opinions
                allowance.opinion_record(
                    user=discipline, application=application, text="无违纪记录"
                )
                allowance.opinion_record(
                    user=comprehensive, application=application, text="无不良记录"
                )
                allowance.application_approve(
                    user=town, application=application, comment="镇党委会议研究同意"
                )
                allowance.report_acknowledge(
                    user=admin, application=application, body="organisation"
                )
                allowance.report_acknowledge(user=finance, application=application, body="finance")
                allowance.report_acknowledge(
                    user=admin,
                    application=application,
                    body="labour",
                    comment="区人社局李科长电话确认",
                )
            say(
                f"workflows: {len(cases)} living-allowance applications (approved, awaiting "
                "opinions, awaiting the village review)"
            )
    except (ValidationError, PermissionDenied) as exc:
        say(
            f"workflows: allowance demo skipped ({'; '.join(getattr(exc, 'messages', [str(exc)]))})"
        )
    try:
        with transaction.atomic():
            award_list = award.award_list_prepare(
                user=town, township=town.township, year=today.year - 1
            )
            tied = list(award_list.entries.filter(tied=True).order_by("rank", "person_id"))
            if tied:
                places = (
                    award_list.quota - award_list.entries.filter(selected=True, tied=False).count()
                )
                award.award_list_choose(
                    user=town,
                    award_list=award_list,
                    person_ids=[e.person_id for e in tied[:places]],
                )
            award.award_list_submit(user=town, award_list=award_list)
            award.award_list_approve(user=admin, award_list=award_list, comment="同意")
            say(f"workflows: award list {today.year - 1} of {town.township} approved")
    except (ValidationError, PermissionDenied) as exc:
        say(f"workflows: award demo skipped ({_words(exc)})")

"""Helpers shared by test directories (issue 11 item 5): file bytes of each type, an upload
of a scan, and the :class:`Allowance` steps of a living allowance application. The pytest
fixtures built on them (``payroll``, ``media_root``, ``allowance``, ``english``) are in
tests/conftest.py, so that no directory imports another directory's conftest."""

from datetime import date

from tests import factories as f

# Just enough of each file type for content sniffing (R-ALW-4 scans, evidence).
PDF = b"%PDF-1.4\n" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def scan(name="declaration.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


class Allowance:
    """Helpers for allowance tests: a declaration and the steps that bring an application to
    a given status, each taken by the role that may."""

    def __init__(self, world):
        from portal.choices import ReviewerKind

        self.world = world
        self.discipline = world.reviewer_a
        self.comprehensive = f.reviewer(
            world.town_a, kind=ReviewerKind.COMPREHENSIVE, username="reviewer_c"
        )
        self.investigator = f.township_staff(world.town_a, username="investigator_a")
        # Declarations are filed by township staff who take none of the review steps
        # (issue 9 item 7: nobody reviews what they filed): staff_a reviews them.
        self.declarant = f.township_staff(world.town_a, username="declarant_a")
        self.sequence = 0

    def person_data(self, **overrides):
        from cadres.validators import make_id_number

        self.sequence += 1
        data = {
            "name": f"王老{self.sequence}",
            "id_number": make_id_number("110101", date(1940, 3, 2), 500 + self.sequence),
            "phone": "13800000000",
            "bank_name": "农村信用社",
            "bank_account": f"6228{self.sequence:012d}",
        }
        data.update(overrides)
        return data

    def declare(
        self,
        user=None,
        *,
        months=230,
        end=date(2008, 6, 1),
        reason="retired",
        declared_on=date(2009, 6, 1),
        tenures=None,
        village=None,
        **overrides,
    ):
        from portal.dates import add_months
        from subsidies.allowance import services

        village = village or self.world.village_a
        if tenures is None:
            tenures = [
                {
                    "village": village,
                    "start_month": add_months(end, -(months - 1)),
                    "end_month": end,
                    "end_reason": reason,
                }
            ]
        kwargs = {
            "village": village,
            "declared_on": declared_on,
            "tenures": tenures,
            "referees": [{"name": "赵证明", "relation": "老同事", "phone": "13900000000"}],
            "scans": [scan()],
            **self.person_data(),
        }
        kwargs.update(overrides)
        return services.application_declare(user=user or self.declarant, **kwargs)

    def advance(self, application, to):
        """Take the application through the steps up to status ``to``."""
        from subsidies.allowance import services
        from subsidies.allowance.choices import ApplicationStatus as S
        from subsidies.allowance.models import AllowanceApplication

        staff = self.world.staff_a
        order = [S.DECLARED, S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEW, S.APPROVED, S.REPORTED]
        if to == S.SUSPENDED:
            self.advance(application, S.TOWNSHIP_REVIEW)
            return services.application_suspend(
                user=staff, application=application, reason="待核实"
            )
        if to == S.REJECTED:
            self.advance(application, S.TOWNSHIP_REVIEW)
            return services.application_reject(user=staff, application=application, reason="不符合")
        if to == "opinions":
            self.advance(application, S.TOWNSHIP_REVIEW)
            self.opinions(application)
            return AllowanceApplication.objects.get(pk=application.pk)
        current = AllowanceApplication.objects.get(pk=application.pk).status
        while order.index(current) < order.index(to):
            if current == S.DECLARED:
                reviewer = (
                    self.world.secretary
                    if application.village_id == self.world.village_a.pk
                    else staff
                )
                services.application_village_review(
                    user=reviewer, application=application, comment="村两委研究同意"
                )
            elif current == S.VILLAGE_REVIEWED:
                services.application_start_review(
                    user=staff, application=application, investigator=self.investigator
                )
            elif current == S.TOWNSHIP_REVIEW:
                self.opinions(application)
                services.application_approve(
                    user=staff, application=application, comment="会议通过"
                )
            elif current == S.APPROVED:
                self.acknowledge_all(application)
            current = AllowanceApplication.objects.get(pk=application.pk).status
        return AllowanceApplication.objects.get(pk=application.pk)

    def opinions(self, application):
        from subsidies.allowance import services

        if not application.opinions.filter(kind="discipline").exists():
            services.opinion_record(user=self.discipline, application=application, text="无违纪")
        if not application.opinions.filter(kind="comprehensive").exists():
            services.opinion_record(
                user=self.comprehensive, application=application, text="无综治问题"
            )

    def acknowledge_all(self, application):
        from subsidies.allowance import services

        world = self.world
        services.report_acknowledge(user=world.admin, application=application, body="organisation")
        services.report_acknowledge(user=world.finance, application=application, body="finance")
        services.report_acknowledge(
            user=world.admin, application=application, body="labour", comment="劳动局张科长电话确认"
        )


# --- the POST bodies of forms more than one directory submits ---------------------------------


def person_form(person, **changes):
    """The person page form's fields for ``person``, with ``changes``."""
    data = {
        "village": person.village_id,
        "name": person.name,
        "id_number": person.id_number,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "education": person.education,
        "phone": person.phone,
        "email": person.email,
        "bank_name": person.bank_name,
        "bank_account": person.bank_account,
        "died_on": "",
    }
    data.update(changes)
    return data


def declaration_post(world, **overrides):
    """The allowance declaration page's fields (R-ALW-4 step 1): one tenure, one referee,
    two scans; ``overrides`` replace any."""
    data = {
        "village": world.village_a.pk,
        "name": "吴老",
        "id_number": "110101194003025005",
        "phone": "13800000000",
        "address": "东村3组",
        "bank_name": "农村信用社",
        "bank_account": "6228000011112222",
        "declared_on": "2009-05-04",
        "note": "",
        "tenure-TOTAL_FORMS": "3",
        "tenure-INITIAL_FORMS": "0",
        "tenure-0-village": "",
        "tenure-0-start_month": "1985-01",
        "tenure-0-end_month": "2004-12",
        "tenure-0-end_reason": "retired",
        "tenure-1-start_month": "",
        "tenure-1-end_month": "",
        "tenure-1-end_reason": "",
        "tenure-2-start_month": "",
        "tenure-2-end_month": "",
        "tenure-2-end_reason": "",
        "referee-TOTAL_FORMS": "2",
        "referee-INITIAL_FORMS": "0",
        "referee-0-name": "赵证明",
        "referee-0-relation": "老同事",
        "referee-0-phone": "13900000000",
        "referee-1-name": "",
        "referee-1-relation": "",
        "referee-1-phone": "",
        "scans": [scan("form.pdf"), scan("id.png", PNG)],
    }
    data.update(overrides)
    return data

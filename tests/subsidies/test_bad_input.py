"""Bad input against payroll and training (issue 6): concurrent approvals of one run, formula
text in a finance XLSX, evidence uploads of the wrong type or size through the API, forged
run ids. Each gets a clear error and leaves nothing half-saved."""

import io
import threading

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from cadres.models import Person
from subsidies import exports, services
from subsidies.choices import RunStatus
from subsidies.models import PayrollRun, RunEvent
from tests import factories as f
from tests.markers import requires_postgres
from tests.subsidies.ledgers import approve_lock, compute
from training.models import SelfLoggedTraining

pytestmark = [pytest.mark.usefixtures("english")]


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_run_at_once(world, payroll):
    """Two township users approve the same run at the same moment: the row lock lets one
    through; the other is told the run is already approved; one RunEvent, nothing doubled."""
    other_staff = f.township_staff(world.town_a, username="staff_a2")
    run = compute(world, world.town_a)
    assert run.status == RunStatus.COMPUTED
    barrier = threading.Barrier(2)
    outcomes = {}

    def approve(user):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # the fixture's language is the main thread's
                services.run_approve(user=user, run=run, acknowledge=True)
            outcomes[user.username] = "approved"
        except ValidationError as exc:
            outcomes[user.username] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (world.staff_a, other_staff)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()).count("approved") == 1, outcomes
    refusal = next(v for v in outcomes.values() if v != "approved")
    assert "cannot be approved" in refusal
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert RunEvent.objects.filter(run=run, to_status=RunStatus.APPROVED).count() == 1


@pytest.mark.django_db
def test_a_second_approval_after_the_first_is_refused_clearly(world, payroll):
    run = compute(world, world.town_a)
    stale = PayrollRun.objects.get(pk=run.pk)  # loaded before the first approval
    services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    with pytest.raises(ValidationError, match="cannot be approved"):
        services.run_approve(user=world.staff_a, run=stale, acknowledge=True)
    assert RunEvent.objects.filter(run=run, to_status=RunStatus.APPROVED).count() == 1


@pytest.mark.django_db
def test_formula_text_in_old_registry_rows_stays_text_in_the_ledger_xlsx(world, payroll):
    """Names are refused when they look like formulas, but rows from before that rule may
    hold one: the finance XLSX writes it as text with a leading apostrophe (SPEC §3,
    portal.spreadsheet.safe_cell), never as a formula."""
    member = payroll[0]
    Person.objects.filter(pk=member.pk).update(name="=HYPERLINK(1)")  # bypasses validation
    run = approve_lock(world, compute(world, world.town_a))
    out = io.BytesIO()
    exports.export_to(exports.ExportStream(exports.run_ledger(run), "xlsx", user=None), out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "'=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.django_db
def test_forged_run_ids_in_the_api_and_pages(client, world, payroll):
    run = compute(world, world.town_b)
    client.force_login(world.staff_a)
    assert client.post(reverse("payroll-run-approve", args=[run.pk]), {}).status_code == 404
    page = client.post(reverse("subsidies:run-action", args=[run.pk, "approve"]))
    assert page.status_code == 404
    assert client.post(reverse("payroll-run-approve", args=[10**30]), {}).status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED
    assert not RunEvent.objects.filter(run=run, to_status=RunStatus.APPROVED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\0" * 64, "proof.pdf", "evidence"),  # a program named .pdf
        (b"<svg onload=alert(1)>", "proof.png", "evidence"),
        (b"%PDF-1.4" + b"0" * 6000, "big.pdf", "larger than"),
    ],
    ids=["exe-as-pdf", "svg-as-png", "too-large"],
)
def test_evidence_uploads_through_the_api_are_checked(
    client, world, settings, tmp_path, content, name, message
):
    settings.MEDIA_ROOT = tmp_path
    settings.TRAINING_EVIDENCE_MAX_BYTES = 5000
    client.force_login(world.secretary)
    response = client.post(
        reverse("training-log-list"),
        {
            "date": "2025-06-02",
            "provider": "区委党校",
            "kind": "centralised",
            "hours": "8",
            "evidence": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    assert "evidence" in response.json()
    assert message in str(response.json())
    assert not SelfLoggedTraining.objects.exists()
    assert not any(tmp_path.rglob("*.*"))  # no file left behind


@pytest.mark.django_db
def test_a_month_that_is_not_a_month(client, world):
    client.force_login(world.admin)
    # the <month:…> converter (issue 9) matches none of them: reverse() refuses them too
    for month in ("2026-13", "x", "2026-1-1", "99999-01"):
        assert client.get(f"/payroll/months/{month}/").status_code == 404
        assert client.get(f"/payroll/ledgers/{month}/").status_code in (400, 404)

"""compute_payroll and payroll approve|lock|disburse (issue 3 commands)."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from subsidies.choices import RunStatus
from subsidies.models import PaymentLine, PayrollRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_compute_approve_lock_disburse_by_command(world, payroll, capsys):
    call_command("compute_payroll", "--month", "2026-11", "--township", "T-A")
    out = capsys.readouterr().out
    assert "T-A\t2026-11\tComputed\tlines=6\theld=0\ttotal=2300.00" in out
    call_command("payroll", "approve", "--month", "2026-11", "--user", "staff_a")
    with pytest.raises(CommandError, match="refused"):
        call_command("payroll", "lock", "--month", "2026-11", "--user", "staff_a")
    call_command("payroll", "lock", "--month", "2026-11", "--user", "finance", "--township", "T-A")
    call_command(
        "payroll", "disburse", "--month", "2026-11", "--user", "finance", "--township", "T-A"
    )
    run = PayrollRun.objects.get(township__code="T-A", month=date(2026, 11, 1))
    assert run.status == RunStatus.DISBURSED
    assert PaymentLine.objects.filter(run=run).count() == 6


def test_compute_payroll_fails_clearly(world, capsys):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("compute_payroll", "--month", "11/2026")
    with pytest.raises(CommandError, match="not computed"):
        call_command("compute_payroll", "--month", "2026-11")  # no policy
    assert "No policy is in force" in capsys.readouterr().out


def test_payroll_command_needs_a_user_in_scope(world, payroll):
    call_command("compute_payroll", "--month", "2026-11")
    with pytest.raises(CommandError, match="No active user"):
        call_command("payroll", "approve", "--month", "2026-11", "--user", "nobody")
    with pytest.raises(CommandError, match="No run of that month in the user's scope"):
        call_command(
            "payroll", "approve", "--month", "2026-11", "--user", "staff_b", "--township", "T-A"
        )
    with pytest.raises(CommandError, match="refused"):  # finance does not approve
        call_command("payroll", "approve", "--month", "2026-11", "--user", "finance")


def test_compute_payroll_on_a_locked_month_says_what_it_skipped_and_fails(world, payroll, capsys):
    """Issue 9: a locked run is never recomputed (SPEC §3); the command names it and exits 1
    when nothing was computed (it exited 0 silently)."""
    call_command("compute_payroll", "--month", "2026-11", "--township", "T-A")
    call_command("payroll", "approve", "--month", "2026-11", "--user", "staff_a")
    call_command("payroll", "lock", "--month", "2026-11", "--user", "finance", "--township", "T-A")
    capsys.readouterr()
    with pytest.raises(CommandError, match="Nothing was computed for 2026-11") as caught:
        call_command("compute_payroll", "--month", "2026-11", "--township", "T-A")
    assert caught.value.returncode == 1
    assert "T-A\t2026-11\tskipped: the run is Locked" in capsys.readouterr().err
    # The district month: township B is computed, A named as skipped; exit 0.
    call_command("compute_payroll", "--month", "2026-11")
    captured = capsys.readouterr()
    assert "T-B\t2026-11\tComputed" in captured.out
    assert "T-A\t2026-11\tskipped" in captured.err

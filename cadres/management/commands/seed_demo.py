"""``python manage.py seed_demo``: load the demo registry (the generation is in cadres.demo)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cadres.demo import DemoOptions, load_demo, registry_has_villages, registry_is_empty


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a date like 2026-03-15.")


def _audit_entry(options, counts, reset: bool) -> None:
    """The demo registry is written by COPY or bulk_create (no signals): one audit entry on
    the demo district says what was loaded."""
    from branches.models import District
    from cadres.demo import DISTRICT_CODE
    from portal import audit

    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return
    written = ", ".join(f"{key} {n}" for key, n in sorted(counts.items()))
    audit.record(
        district,
        action=audit.CREATE,
        summary=f"demo registry loaded (seed {options.seed}{', after a reset' if reset else ''}): "
        f"{written}",
        data={"operation": "seed_demo", "seed": options.seed, "reset": reset, **counts},
    )


class Command(BaseCommand):
    help = (
        "Load a deterministic demo registry in Chinese: townships, villages, branches, "
        "cadres, former secretaries, members, appraisals, with deliberately flagged cases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, default=6, help="number of townships")
        parser.add_argument(
            "--villages", type=int, default=60, help="villages in all, spread over the townships"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--today", type=_day, default=None, help="anchor day YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--appraisal-months",
            type=int,
            default=24,
            help="months of performance appraisals before the anchor month (default 24)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and say so) when the registry already has villages",
        )
        parser.add_argument("--reset", action="store_true", help="delete the whole registry first")
        parser.add_argument(
            "--payroll-months",
            type=int,
            default=None,
            help="months of payroll runs before the anchor month, computed through the real "
            "services (default 2; 0 for none; off by default above 2,000 villages)",
        )
        parser.add_argument(
            "--no-training", action="store_true", help="no demo courses and training entries"
        )
        parser.add_argument(
            "--bulk-create",
            action="store_true",
            help="write with bulk_create even on PostgreSQL (default there: COPY, faster)",
        )

    def handle(self, *args, **opts):
        if opts["townships"] < 1 or opts["villages"] < 1:
            raise CommandError("--townships and --villages must be at least 1.")
        if opts["appraisal_months"] < 0:
            raise CommandError("--appraisal-months cannot be negative.")
        today = opts["today"] or timezone.localdate()
        if not opts["reset"]:
            if opts["if_empty"] and registry_has_villages():
                self.stdout.write("The registry already has villages: demo data not loaded.")
                return
            if not registry_is_empty():
                raise CommandError(
                    "The registry is not empty. Use --reset to replace it with demo data, "
                    "or --if-empty to keep it."
                )
        options = DemoOptions(
            townships=opts["townships"],
            villages=opts["villages"],
            seed=opts["seed"],
            today=today,
            appraisal_months=opts["appraisal_months"],
        )
        summary = load_demo(
            options,
            reset=opts["reset"],
            use_copy=False if opts["bulk_create"] else None,
            log=lambda text: self.stdout.write(f"Deleted: {text}"),
        )
        counts, stats = summary.counts, summary.stats
        _audit_entry(options, dict(counts), reset=opts["reset"])
        self.stdout.write(
            f"Demo registry (seed {options.seed}, anchor day {today:%Y-%m-%d}) "
            f"loaded in {summary.seconds:.1f} s:"
        )
        for label, key in (
            ("townships", "township"),
            ("villages", "village"),
            ("branches", "branch"),
            ("people", "person"),
            ("posts", "post"),
            ("party members", "member"),
            ("performance appraisals", "appraisal"),
            ("annual assessments", "assessment"),
            ("health checks", "health_check"),
        ):
            self.stdout.write(f"  {label:<24}{counts[key]:>10,}")
        self.stdout.write(
            f"  serving cadres {stats['current_cadres']:,}, one-shoulder secretaries "
            f"{stats['one_shoulder']:,}, former secretaries {stats['former_secretaries']:,}"
        )
        self.stdout.write(
            "  flagged: "
            f"cadre count {stats['case_too_few'] + stats['case_too_many']}, "
            f"health checks {stats['flag_health_overdue'] + stats['flag_health_never']}, "
            f"few activists {stats['flag_few_activists']}, "
            f"no young recruit {stats['flag_no_recruit']}, "
            f"mobile members {stats['flag_away_no_certificate'] + stats['flag_away_long']}, "
            f"missing last appraisal {stats['flag_missing_appraisal']}, "
            f"shared accounts {stats['case_shared_account']}, "
            f"deceased in post {stats['case_deceased_in_post']}"
        )
        months = opts["payroll_months"]
        if months is None:
            months = 2 if options.villages <= 2000 else 0
        if months > 0:
            from subsidies.demo import load_payroll_demo

            load_payroll_demo(
                today=today,
                seed=options.seed,
                months=months,
                log=lambda text: self.stdout.write(f"  {text}"),
            )
        if not opts["no_training"] and options.villages <= 2000:
            from training.demo import load_training_demo

            load_training_demo(
                today=today, seed=options.seed, log=lambda text: self.stdout.write(f"  {text}")
            )
        self.stdout.write(self.style.SUCCESS("Done. See docs/demo-data.md for what to look at."))

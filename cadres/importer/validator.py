"""Checking every row of an import before anything is written (SPEC §2 "Bulk import").

All errors are collected, not only the first: each is (sheet, row number as the user sees
it, column header, reason). The rules are the models' own (see :mod:`.checks`), plus what
only a whole file can show: duplicate natural keys, references to rows defined earlier in
the file (a person, then their posts), tenures of a branch secretary or committee director
that overlap inside the file or with the database (the rule of
``cadres.constraints.OneHolderPerDayConstraint``, read from the Post model's constraints),
and the importing user's scope.

The rows a file refers to are loaded in a few bulk queries (dicts keyed by natural key,
``__in`` lists cut to the database's parameter limit): there is no query per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils.translation import gettext as _

from branches.models import Branch, PartyMember, Township, Village
from cadres.constraints import OneHolderPerDayConstraint
from cadres.models import AnnualAssessment, PerformanceAppraisal, Person, Post
from cadres.rules import spans_overlap
from cadres.validators import birth_date_from_id, gender_from_id, normalise_id_number
from portal.scope import CHANGE, VIEW, may, scope_queryset

from .checks import model_errors
from .columns import KINDS, Kind, ParseError
from .readers import FileData, Sheet
from .report import RowError

__all__ = ["Plan", "PlannedRow", "validate"]

REFERENCES = {"township", "village", "branch", "person", "person_name"}
Progress = Callable[[str, int, int], None]


@dataclass(eq=False)
class PlannedRow:
    """One data row: its parsed values and the instance it creates or updates."""

    kind: Kind
    sheet: Sheet
    number: int
    values: dict[str, object]
    instance: models.Model | None = None
    existing: bool = False
    changed: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # columns whose cell could not be read
    bad: bool = False

    @property
    def label(self) -> str:
        return self.sheet.name


@dataclass
class Plan:
    """The rows of a clean file, per kind, in the order they are written."""

    rows: dict[str, list[PlannedRow]] = field(default_factory=dict)

    def of(self, kind: Kind) -> list[PlannedRow]:
        return self.rows.get(kind.key, [])

    @property
    def writes(self) -> int:
        return sum(1 for rows in self.rows.values() for r in rows if not r.existing or r.changed)


def _chunk_size() -> int:
    limit = connection.features.max_query_params or 10000
    return max(100, min(limit - 50, 10000))


def _chunks(values: Iterable, size: int | None = None) -> Iterator[list]:
    values = list(values)
    size = size or _chunk_size()
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _shown(value, limit: int = 40) -> str:
    """A value echoed in a message, cut short."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _empty_for(model_field: models.Field):
    if model_field.has_default():
        return model_field.get_default()
    if model_field.null:
        return None
    return ""


class Validator:
    def __init__(self, data: FileData, *, user, progress: Progress | None = None):
        self.data = data
        self.user = user
        self.progress = progress or (lambda phase, done, total: None)
        self.errors: list[RowError] = list(data.errors)
        self.rows: dict[str, list[PlannedRow]] = {kind.key: [] for kind in KINDS}
        self.blocked_kinds: set[str] = set()
        # rows of this file by natural key (first occurrence), for references and duplicates
        self.file_villages: dict[str, PlannedRow] = {}
        self.file_people: dict[str, PlannedRow] = {}
        self.seen: dict[str, dict[tuple, PlannedRow]] = defaultdict(dict)
        self.done = 0

    # --- errors ------------------------------------------------------------------------

    def error(self, row: PlannedRow, key: str | None, reason: str) -> None:
        header = row.sheet.header(key) if key else ""
        self.errors.append(RowError(row.label, row.number, header, str(reason)))
        row.bad = True

    def outside(self, what: str) -> str:
        township = bool(self.user is not None and getattr(self.user, "township_id", None))
        messages = {
            "township": (
                _("This township is outside your township."),
                _("This township is outside your district."),
            ),
            "village": (
                _("This village is outside your township."),
                _("This village is outside your district."),
            ),
            "branch": (
                _("This branch is outside your township."),
                _("This branch is outside your district."),
            ),
            "person": (
                _("This person is registered outside your township."),
                _("This person is registered outside your district."),
            ),
            "record": (
                _("This record is outside your township."),
                _("This record is outside your district."),
            ),
        }
        return messages[what][0 if township else 1]

    def refers_to_bad(self, target: PlannedRow) -> str:
        return _("It refers to %(sheet)s row %(row)s, which has errors.") % {
            "sheet": target.label,
            "row": target.number,
        }

    # --- 1. parse every cell -------------------------------------------------------------

    def parse(self) -> None:
        for sheet in self.data.sheets:
            kind = sheet.kind
            for number, cells in sheet.rows:
                row = PlannedRow(kind, sheet, number, {})
                self.rows[kind.key].append(row)
                for column in kind.columns:
                    if column.key not in sheet.headers:
                        continue
                    raw = cells.get(column.key)
                    if raw is None:
                        if column.required:
                            self.error(row, column.key, _("A value is required."))
                            row.failed.add(column.key)
                        row.values[column.key] = None
                        continue
                    try:
                        row.values[column.key] = column.parse(raw)
                    except ParseError as exc:
                        self.error(row, column.key, str(exc))
                        row.failed.add(column.key)
                        row.values[column.key] = None
                    if column.key in ("id_number", "person") and row.values[column.key]:
                        row.values[column.key] = normalise_id_number(row.values[column.key])

    # --- 2. load what the file refers to ---------------------------------------------------

    def _codes(self, key: str, *kinds: str) -> set:
        return {r.values[key] for k in kinds for r in self.rows[k] if r.values.get(key) is not None}

    def _scoped(self, model, pks: Iterable, action=CHANGE) -> set | None:
        """The pks among ``pks`` the user may change (None: no limit)."""
        if self.user is None:
            return None
        queryset = scope_queryset(self.user, model, action)
        allowed: set = set()
        for chunk in _chunks(set(pks)):
            allowed.update(queryset.filter(pk__in=chunk).values_list("pk", flat=True))
        return allowed

    def _load(self, queryset, lookup: str, values: Iterable, key, margin: int = 0) -> dict:
        found = {}
        for chunk in _chunks(set(values), _chunk_size() - margin):
            for obj in queryset.filter(**{f"{lookup}__in": chunk}):
                found[key(obj)] = obj
        return found

    def _load_periodic(self, model, key: str, kind: str, person_ids: list) -> dict:
        """Appraisals (or assessments) of the file's people, for the periods the file names
        (a person has many: the periods narrow the read when they are few)."""
        periods = self._codes(key, kind)
        if not periods:
            return {}
        queryset = model.objects.all()
        if len(periods) <= 100:
            queryset = queryset.filter(**{f"{key}__in": periods})
        return self._load(
            queryset, "person_id", person_ids, lambda o: (o.person_id, getattr(o, key)), margin=100
        )

    def load(self) -> None:
        self.townships = self._load(
            Township.objects.all(), "code", self._codes("township", "villages"), lambda o: o.code
        )
        self.villages = self._load(
            Village.objects.all(),
            "code",
            self._codes("code", "villages") | self._codes("village", "people", "posts"),
            lambda o: o.code,
        )
        self.branches = self._load(
            Branch.objects.all(),
            "code",
            self._codes("branch", "posts", "members"),
            lambda o: o.code,
        )
        ids = self._codes("id_number", "people") | self._codes(
            "person", "posts", "members", "appraisals", "assessments"
        )
        self.people = self._load(Person.objects.all(), "id_number", ids, lambda o: o.id_number)
        person_ids = [p.pk for p in self.people.values()]

        self.posts = self._load(
            Post.objects.select_related("person", "village"),
            "person_id",
            person_ids if self.rows["posts"] else [],
            lambda o: (o.person_id, o.village_id, o.role, o.start_date),
        )
        self.members = self._load(
            PartyMember.objects.all(),
            "person_id",
            person_ids if self.rows["members"] else [],
            lambda o: o.person_id,
        )
        self.appraisals = self._load_periodic(
            PerformanceAppraisal, "period_start", "appraisals", person_ids
        )
        self.assessments = self._load_periodic(AnnualAssessment, "year", "assessments", person_ids)
        # the holders of one-per-village roles in the villages the posts name
        self.holder_rules = [
            c for c in Post._meta.constraints if isinstance(c, OneHolderPerDayConstraint)
        ]
        post_villages = [
            self.villages[c].pk for c in self._codes("village", "posts") if c in self.villages
        ]
        self.holders: list[Post] = []
        if self.holder_rules and post_villages:
            roles = [str(rule.role) for rule in self.holder_rules]
            for chunk in _chunks(post_villages):
                self.holders.extend(
                    Post.objects.filter(village_id__in=chunk, role__in=roles).select_related(
                        "person", "village"
                    )
                )

        # what the user may change (None: the operator, no limit)
        self.scope = {
            "township": self._scoped(Township, [t.pk for t in self.townships.values()], VIEW),
            "village": self._scoped(Village, [v.pk for v in self.villages.values()]),
            "branch": self._scoped(Branch, [b.pk for b in self.branches.values()]),
            "person": self._scoped(Person, person_ids),
        }
        existing = {
            "posts": (Post, self.posts),
            "members": (PartyMember, self.members),
            "appraisals": (PerformanceAppraisal, self.appraisals),
            "assessments": (AnnualAssessment, self.assessments),
        }
        for key, (model, rows) in existing.items():
            self.scope[key] = self._scoped(model, [o.pk for o in rows.values()])
        for kind in KINDS:
            if (
                self.rows[kind.key]
                and self.user is not None
                and not may(self.user, CHANGE, kind.model)
            ):
                self.blocked_kinds.add(kind.key)
                for sheet in {id(r.sheet): r.sheet for r in self.rows[kind.key]}.values():
                    self.errors.append(
                        RowError(
                            sheet.name,
                            None,
                            "",
                            _("Your role may not change %(things)s.")
                            % {"things": kind.model._meta.verbose_name_plural},
                        )
                    )

    def in_scope(self, what: str, pk) -> bool:
        allowed = self.scope.get(what)
        return allowed is None or pk in allowed

    # --- 3. references ---------------------------------------------------------------------

    def resolve_township(self, row: PlannedRow):
        code = row.values.get("township")
        if code is None:
            return None
        township = self.townships.get(code)
        if township is None:
            self.error(
                row, "township", _("Unknown township code “%(code)s”.") % {"code": _shown(code)}
            )
            return None
        if not self.in_scope("township", township.pk):
            self.error(row, "township", self.outside("township"))
            return None
        return township

    def resolve_village(self, row: PlannedRow):
        code = row.values.get("village")
        if code is None:
            return None
        defined = self.file_villages.get(code)
        if defined is not None:
            if defined.bad:
                self.error(row, "village", self.refers_to_bad(defined))
                return None
            return defined.instance
        village = self.villages.get(code)
        if village is None:
            self.error(
                row,
                "village",
                _("Unknown village code “%(code)s” (not in the registry nor in this file).")
                % {"code": _shown(code)},
            )
            return None
        if not self.in_scope("village", village.pk):
            self.error(row, "village", self.outside("village"))
            return None
        return village

    def resolve_branch(self, row: PlannedRow, village=None):
        code = row.values.get("branch")
        if code is None:
            return None
        branch = self.branches.get(code)
        if branch is None:
            self.error(row, "branch", _("Unknown branch code “%(code)s”.") % {"code": _shown(code)})
            return None
        if not self.in_scope("branch", branch.pk):
            self.error(row, "branch", self.outside("branch"))
            return None
        if village is not None and village.township_id != branch.township_id:
            self.error(
                row, "branch", _("This branch belongs to another township than the village.")
            )
            return None
        return branch

    def resolve_person(self, row: PlannedRow):
        number = row.values.get("person")
        if number is None:
            return None
        defined = self.file_people.get(number)
        if defined is not None:
            if defined.bad:
                self.error(row, "person", self.refers_to_bad(defined))
                return None
            person = defined.instance
        else:
            person = self.people.get(number)
            if person is None:
                self.error(
                    row,
                    "person",
                    _("No person with this ID number in the registry nor in this file."),
                )
                return None
            if not self.in_scope("person", person.pk):
                self.error(row, "person", self.outside("person"))
                return None
        name = row.values.get("person_name")
        if name and name != person.name:
            self.error(
                row,
                "person_name",
                _("The person with this ID number is named “%(name)s”.") % {"name": person.name},
            )
        return person

    # --- 4. rows -------------------------------------------------------------------------

    def duplicate(self, row: PlannedRow, key: tuple, column: str) -> bool:
        if None in key:
            return False
        first = self.seen[row.kind.key].get(key)
        if first is not None:
            self.error(
                row,
                column,
                _("Repeats %(sheet)s row %(row)s (same %(key)s).")
                % {
                    "sheet": first.label,
                    "row": first.number,
                    "key": "、".join(row.sheet.header(k) for k in row.kind.natural_key),
                },
            )
            return True
        self.seen[row.kind.key][key] = row
        return False

    def assign(self, row: PlannedRow, instance, values: dict) -> None:
        """Set the values on the instance; on an existing one remember what changed."""
        model = type(instance)
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            if value is None:
                value = _empty_for(model_field)
            if model_field.is_relation:
                old = getattr(instance, model_field.attname)
                same = value is not None and value.pk is not None and old == value.pk
                same = same or (value is None and old is None)
            else:
                same = getattr(instance, name) == value
            if row.existing and same:
                continue
            setattr(instance, name, value)
            if row.existing:
                row.changed.append(name)

    def field_values(self, row: PlannedRow) -> dict:
        """The row's values for the model's own fields, for the columns the sheet has."""
        return {key: row.values.get(key) for key in row.sheet.headers if key not in REFERENCES}

    def check_model(self, row: PlannedRow, instance, exclude: set[str]) -> None:
        """The model's own rules; fields whose cell could not be read are left out (their
        error is reported already)."""
        columns = {c.key for c in row.kind.columns}
        for name, messages in model_errors(instance, exclude=exclude | row.failed):
            key = name if name in columns else None
            if key is None and name in ("person", "village", "branch", "township"):
                key = name
            if key is None:
                key = next(iter(row.kind.natural_key), None)
            for message in messages:
                self.error(row, key, message)

    def _finish(self, row: PlannedRow) -> None:
        """A recorded row outside the user's scope is not to be touched (its parents are
        checked already; this holds whatever the path from the row to its township)."""
        if row.existing and not self.in_scope(row.kind.key, row.instance.pk):
            self.error(row, row.kind.natural_key[0], self.outside("record"))

    def village_row(self, row: PlannedRow) -> None:
        code = row.values.get("code")
        self.duplicate(row, (code,), "code")
        if code is not None and code not in self.file_villages:
            self.file_villages[code] = row
        township = self.resolve_township(row)
        existing = self.villages.get(code)
        if existing is not None and not self.in_scope("village", existing.pk):
            self.error(row, "code", self.outside("village"))
            return
        row.existing = existing is not None
        row.instance = existing if existing is not None else Village()
        values = self.field_values(row)
        if township is not None:
            values["township"] = township
        self.assign(row, row.instance, values)
        self.check_model(row, row.instance, exclude={"township"})

    def person_row(self, row: PlannedRow) -> None:
        number = row.values.get("id_number")
        self.duplicate(row, (number,), "id_number")
        if number is not None and number not in self.file_people:
            self.file_people[number] = row
        village = self.resolve_village(row)
        existing = self.people.get(number)
        if existing is not None and not self.in_scope("person", existing.pk):
            self.error(row, "id_number", self.outside("person"))
            return
        row.existing = existing is not None
        row.instance = existing if existing is not None else Person()
        values = self.field_values(row)
        if village is not None:
            values["village"] = village
        # Gender and birth date default to what the ID number says (as person_record does).
        for name, derive in (("gender", gender_from_id), ("birth_date", birth_date_from_id)):
            if name in row.failed:
                continue
            if values.get(name) is None and (name in values or not row.existing):
                try:
                    values[name] = derive(number or "")
                except Exception:  # noqa: BLE001 - the ID number's own validator reports it
                    values.pop(name, None)
                    row.failed.add(name)  # not reported again as "cannot be blank"
        self.assign(row, row.instance, values)
        self.check_model(row, row.instance, exclude={"village"})

    def post_row(self, row: PlannedRow) -> None:
        person = self.resolve_person(row)
        village = self.resolve_village(row)
        branch = self.resolve_branch(row, village)
        values = row.values
        key = (values.get("person"), values.get("village"), values.get("role"))
        self.duplicate(row, (*key, values.get("start_date")), "start_date")
        existing = None
        if person is not None and village is not None and None not in (person.pk, village.pk):
            existing = self.posts.get((person.pk, village.pk, values["role"], values["start_date"]))
        row.existing = existing is not None
        row.instance = existing or Post(
            role=values.get("role"), start_date=values.get("start_date")
        )
        fields = {
            k: v for k, v in self.field_values(row).items() if k not in ("role", "start_date")
        }
        if person is not None:
            fields["person"] = person
        if village is not None:
            fields["village"] = village
        if "branch" in row.sheet.headers and "branch" not in row.failed:
            fields["branch"] = branch
        self.assign(row, row.instance, fields)
        self.check_model(row, row.instance, exclude={"person", "village", "branch"})
        self._finish(row)

    def member_row(self, row: PlannedRow) -> None:
        person = self.resolve_person(row)
        branch = self.resolve_branch(row)
        self.duplicate(row, (row.values.get("person"),), "person")
        existing = None
        if person is not None and person.pk is not None:
            existing = self.members.get(person.pk)
        row.existing = existing is not None
        row.instance = existing or PartyMember()
        values = self.field_values(row)
        if person is not None:
            values["person"] = person
        if branch is not None:
            values["branch"] = branch
        self.assign(row, row.instance, values)
        self.check_model(row, row.instance, exclude={"person", "branch"})
        self._finish(row)

    def _person_record(self, row: PlannedRow, model, key: str, existing_rows: dict) -> None:
        """An appraisal or an assessment: one per person and period start (or year)."""
        person = self.resolve_person(row)
        value = row.values.get(key)
        self.duplicate(row, (row.values.get("person"), value), key)
        existing = None
        if person is not None and person.pk is not None:
            existing = existing_rows.get((person.pk, value))
        row.existing = existing is not None
        row.instance = existing or model(**{key: value})
        values = {k: v for k, v in self.field_values(row).items() if k != key}
        if person is not None:
            values["person"] = person
        self.assign(row, row.instance, values)
        self.check_model(row, row.instance, exclude={"person"})
        self._finish(row)

    def appraisal_row(self, row: PlannedRow) -> None:
        self._person_record(row, PerformanceAppraisal, "period_start", self.appraisals)

    def assessment_row(self, row: PlannedRow) -> None:
        self._person_record(row, AnnualAssessment, "year", self.assessments)

    # --- 5. one holder per village and day, over the file and the database --------------------

    def check_holders(self) -> None:
        """OneHolderPerDayConstraint over the final state: the database's tenures that the
        file does not restate, and the file's good rows."""
        rules = {str(rule.role): rule for rule in self.holder_rules}
        restated = {
            r.instance.pk
            for r in self.rows["posts"]
            if r.existing and r.instance is not None and r.instance.pk is not None
        }
        groups: dict[tuple, list] = defaultdict(list)
        order = {id(sheet): i for i, sheet in enumerate(self.data.sheets)}
        for post in self.holders:
            if post.pk not in restated:
                groups[(post.village.code, post.role)].append(
                    (post.start_date, post.end_date, post)
                )
        for row in self.rows["posts"]:
            post = row.instance
            if row.bad or post is None or str(post.role) not in rules:
                continue
            code = row.values["village"]
            groups[(code, str(post.role))].append((post.start_date, post.end_date, row))
        for (_code, role), spans in groups.items():
            if not any(isinstance(s[2], PlannedRow) for s in spans):
                continue
            spans.sort(key=lambda s: s[0])
            flagged: set[int] = set()
            for i, (start, end, source) in enumerate(spans):
                for other_start, other_end, other in spans[i + 1 :]:
                    if end is not None and other_start > end:
                        break
                    if not spans_overlap(start, end, other_start, other_end):
                        continue
                    self._report_overlap(rules[role], source, other, flagged, order)

    def _report_overlap(self, rule, a, b, flagged: set[int], order: dict) -> None:
        file_rows = [s for s in (a, b) if isinstance(s, PlannedRow)]
        if not file_rows:
            return
        if len(file_rows) == 2:
            file_rows.sort(key=lambda r: (order[id(r.sheet)], r.number))
            earlier, later = file_rows
            if id(later) in flagged:
                return
            detail = _("It overlaps %(sheet)s row %(row)s.") % {
                "sheet": earlier.label,
                "row": earlier.number,
            }
            target = later
        else:
            target = file_rows[0]
            if id(target) in flagged:
                return
            recorded = b if target is a else a
            detail = _("It overlaps the recorded tenure of %(name)s from %(start)s to %(end)s.") % {
                "name": recorded.person.name,
                "start": recorded.start_date.isoformat(),
                "end": recorded.end_date.isoformat() if recorded.end_date else _("now"),
            }
        flagged.add(id(target))
        self.error(target, "start_date", f"{rule.get_violation_error_message()} {detail}")

    # --- run -----------------------------------------------------------------------------

    def tick(self, total: int) -> None:
        self.done += 1
        self.progress("validating", self.done, total)

    def run(self) -> Plan:
        total = self.data.row_count
        self.progress("validating", 0, total)
        self.parse()
        self.load()
        handlers = {
            "villages": self.village_row,
            "people": self.person_row,
            "posts": self.post_row,
            "members": self.member_row,
            "appraisals": self.appraisal_row,
            "assessments": self.assessment_row,
        }
        for kind in KINDS:
            for row in self.rows[kind.key]:
                if kind.key not in self.blocked_kinds:
                    handlers[kind.key](row)
                self.tick(total)
        self.check_holders()
        self.errors.sort(key=_error_order(self.data))
        return Plan(rows=self.rows)


def _error_order(data: FileData):
    order = {sheet.name: i for i, sheet in enumerate(data.sheets)}

    def key(error: RowError):
        return (order.get(error.sheet, -1), error.row or 0)

    return key


def validate(data: FileData, *, user, progress: Progress | None = None) -> tuple[Plan, list]:
    """Check every row; the plan is only to be written when the error list is empty."""
    validator = Validator(data, user=user, progress=progress)
    plan = validator.run()
    return plan, validator.errors

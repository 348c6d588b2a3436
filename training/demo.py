"""Demo training (``seed_demo`` calls it after the registry): a district course and a
course per township this year with attendance, and a few self-logged entries of secretaries
waiting in the verification queue."""

from __future__ import annotations

import random
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import Q

from branches.models import District, Township
from cadres.choices import PostRole
from cadres.models import Person, Post

from . import services
from .choices import CourseLevel, EntryStatus, TrainingKind
from .models import Course, SelfLoggedTraining


def _png() -> bytes:
    """A 1×1 white PNG: the evidence of the demo entries."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _serving_secretaries(township, day):
    posts = Post.objects.filter(
        village__township=township, role=PostRole.SECRETARY, start_date__lte=day
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
    return list(
        Person.objects.filter(pk__in=posts.values("person_id"), died_on__isnull=True).order_by("pk")
    )


def load_training_demo(*, today: date, seed: int, log=print) -> None:
    rng = random.Random(seed)
    year = today.year
    for district in District.objects.order_by("code"):
        start = date(year, 3, 10)
        if start > today:
            continue
        district_course = services.course_record(
            user=None,
            district=district,
            level=CourseLevel.DISTRICT,
            title="村党支部书记示范培训班",
            kind=TrainingKind.CENTRALISED,
            start_date=start,
            end_date=start + timedelta(days=4),
            hours=Decimal("40.00"),
            budget=Decimal("60000.00"),
            location="区委党校",
        )
        for township in Township.objects.filter(district=district).order_by("code"):
            secretaries = _serving_secretaries(township, start)
            attendees = [p for p in secretaries if rng.random() < 0.8]
            if attendees:
                services.attendance_record_bulk(
                    user=None,
                    course=district_course,
                    rows=[(p, Decimal("40.00")) for p in attendees],
                )
            course_day = date(year, 6, 12)
            if course_day <= today:
                course = services.course_record(
                    user=None,
                    district=district,
                    level=CourseLevel.TOWNSHIP,
                    township=township,
                    title=f"{township.name}村干部业务培训",
                    kind=TrainingKind.CENTRALISED,
                    start_date=course_day,
                    end_date=course_day + timedelta(days=1),
                    hours=Decimal("16.00"),
                    budget=Decimal("8000.00"),
                    location=township.name,
                )
                others = [p for p in secretaries if rng.random() < 0.6]
                if others:
                    services.attendance_record_bulk(
                        user=None, course=course, rows=[(p, Decimal("16.00")) for p in others]
                    )
            for person in secretaries[:2]:
                day = today - timedelta(days=rng.randint(3, 20))
                if day.year != year:
                    continue
                entry = SelfLoggedTraining(
                    person=person,
                    date=day,
                    provider="县委党校网络学院",
                    kind=TrainingKind.CENTRALISED,
                    hours=Decimal("8.00"),
                    status=EntryStatus.PENDING,
                    evidence_type="image/png",
                    evidence_name="证书.png",
                )
                entry.evidence.save("证书.png", ContentFile(_png()), save=False)
                entry.save()
        log(f"training {year}: courses, attendance and entries awaiting verification")
    if not Course.objects.exists():
        log("training: no course before the anchor day")

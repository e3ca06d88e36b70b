"""Do-not-call lists loaded from CSV: every usual number shape, duplicates, refused lines reported."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from crm.models import DoNotCallEntry

pytestmark = pytest.mark.django_db

LIST = """number,date
+14155550100,2026-01-15
(415) 555-0101
415.555.0102,2026-02-01
1-415-555-0103
+14155550100
call me maybe
4155550104,yesterday
+442079460000
"""


def test_a_registry_file_lands_on_the_programs_list_with_a_report(world, tmp_path):
    DoNotCallEntry.objects.create(program=world.program_a, number="+14155550103", source="customer")
    path = tmp_path / "registry.csv"
    path.write_text(LIST)
    rejects = tmp_path / "rejects.csv"
    out = StringIO()
    call_command("dnc_import", str(path), "--program", "acme", "--source", "registry", "--rejects", str(rejects),
                 stdout=out, stderr=StringIO())  # fmt: skip
    listed = dict(DoNotCallEntry.objects.filter(program=world.program_a).values_list("number", "source"))
    assert listed == {
        "+14155550100": "registry",
        "+14155550101": "registry",
        "+14155550102": "registry",
        "+14155550103": "customer",  # listed before: stays as it was
        "+442079460000": "registry",
    }
    assert DoNotCallEntry.objects.get(number="+14155550100").added_on == date(2026, 1, 15)
    # 9 lines: the header, 6 valid numbers (one of them twice, one listed before), 2 refused.
    assert "9 lines: 4 numbers added, 2 already listed, 2 refused." in out.getvalue()
    assert rejects.read_text().splitlines() == [
        "line,text,reason",
        "7,call me maybe,not a phone number",
        '8,"4155550104,yesterday",the date is not YYYY-MM-DD',
    ]


def test_the_shared_list_binds_every_program(world, tmp_path):
    path = tmp_path / "national.csv"
    path.write_text("2125550100\n")
    call_command("dnc_import", str(path), "--shared", stdout=StringIO(), stderr=StringIO())
    assert list(DoNotCallEntry.objects.values_list("program", "number")) == [(None, "+12125550100")]

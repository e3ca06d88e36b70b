"""A program's settings kept in memory, per process, for as long as they are current (issue 16).

A program's settings (its SLA policies and business hours, its survey policy, and which events webhooks
listen to) change a few times a year and are read for every ticket opened or call logged. A process keeps
what it read under the program's ``config_version`` as it was when it read it; the database adds one to
that version in the transaction of every change (the triggers of agents migration 0016 and of each
settings table). A lookup hands a kept value back only when the program the caller holds carries that
same version. So a program row read after a change, in any process, reads the settings again; a row read
before it gets the settings current when it was read, as if the work had started a moment earlier. A
change rolled back leaves a version nobody reads again.

A change made in this process also empties this process's store (``watch``: the models apps list in their
``program_settings`` hook), for code that goes on holding a program row it read before making the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

from agents.models import Program
from config.hooks import app_hooks

T = TypeVar("T")

_kept: dict[tuple[str, int], tuple[int, Any]] = {}
_changes_here = 0  # how many times ``forget`` ran in this process


def program_setting(program: Program, name: str, load: Callable[[], T]) -> T:
    """``load()``'s value for ``program``, from memory while ``program.config_version`` is the version it
    was read at; else read (the version first: what ``load`` reads next is at least as new) and kept."""
    key = (name, program.pk)
    kept = _kept.get(key)
    if kept is not None and kept[0] == program.config_version:
        return kept[1]
    version = _version_now(program)
    value = load()
    if version is not None:
        _kept[key] = (version, value)
    return value


def _version_now(program: Program) -> int | None:
    """The program's version in the database: one query for the row in hand, again after a change made here
    (a request missing two settings of a program asks once)."""
    asked = getattr(program, "_settings_version_asked", None)
    if asked is None or asked[0] != _changes_here:
        version = Program.objects.filter(pk=program.pk).values_list("config_version", flat=True).first()
        asked = (_changes_here, version)
        setattr(program, "_settings_version_asked", asked)  # noqa: B010 - a private mark on the row in hand
    return asked[1]


def forget(**kwargs: Any) -> None:
    """Drops every kept setting of this process (a receiver of the settings models' save and delete)."""
    global _changes_here
    _kept.clear()
    _changes_here += 1


def watch() -> None:
    """Forget on every save or delete, in this process, of a program or of a model an app lists in its
    ``program_settings`` hook (called once, from ``agents.signals``)."""
    for model in (Program, *app_hooks("program_settings")):
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            raise TypeError(f"program_settings lists {model!r}, which is not a model")
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=model, dispatch_uid=f"settings_cache.forget.{model._meta.label}")

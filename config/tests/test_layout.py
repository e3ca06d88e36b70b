"""One list of our apps (settings.PROJECT_APPS), and everything that relies on it agrees with it."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _app_packages() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/apps.py")}


def test_project_apps_are_the_packages_with_an_app_config_and_are_installed():
    assert set(settings.PROJECT_APPS) == _app_packages()
    installed = [config.name for config in apps.get_app_configs()]
    assert [name for name in installed if name in settings.PROJECT_APPS] == list(settings.PROJECT_APPS)


def test_the_layer_contract_names_exactly_the_project_apps():
    contracts = configparser.ConfigParser()
    contracts.read(ROOT / ".importlinter")
    roots = contracts["importlinter"]["root_packages"].split()
    layered = {
        app.strip()
        for line in contracts["importlinter:contract:layers"]["layers"].split("\n")
        for app in line.split("|")
        if app.strip()
    }
    assert set(roots) == set(settings.PROJECT_APPS)
    assert layered == set(settings.PROJECT_APPS)


def test_every_project_app_is_a_test_path():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(settings.PROJECT_APPS) <= set(pyproject["tool"]["pytest"]["ini_options"]["testpaths"])

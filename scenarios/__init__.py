"""Locate the CTK scenario files shipped in this directory (installed as package `tmf622_scenarios`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The port of TM Forum's CTK for TMF622 Product Ordering v4.0.0 (scenarios N1, N2, E1).
DEFAULT_SCENARIO = "ctk-4.0.0.yaml"


def scenario_names() -> list[str]:
    """File names of the scenario files shipped here, sorted."""
    return sorted(f.name for f in resources.files(__name__).iterdir() if f.name.endswith(".yaml"))


def api_versions() -> tuple[str, ...]:
    """The TMF622 versions an official kit is shipped for (`ctk-<version>.yaml`), oldest first."""
    names = [name.removeprefix("ctk-").removesuffix(".yaml") for name in scenario_names()]
    return tuple(sorted((n for n in names if n[:1].isdigit()), key=lambda v: [int(p) for p in v.split(".")]))


def kit_files(api_version: str, official: bool, extended: bool) -> list[Path]:
    """The kit files of `api_version`: the official kit's port and our extended level, as selected."""
    names = ([f"ctk-{api_version}.yaml"] if official else []) + (
        [f"extended-{api_version}.yaml"] if extended else []
    )
    return [scenario_path(name) for name in names if (resources.files(__name__) / name).is_file()]


def scenario_path(name: str = DEFAULT_SCENARIO) -> Path:
    """Filesystem path of scenario file `name` (the package is always installed unzipped)."""
    path = Path(str(resources.files(__name__).joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"no scenario file {name!r}; shipped: {', '.join(scenario_names())}")
    return path


def scenario_text(name: str = DEFAULT_SCENARIO) -> str:
    """The YAML text of scenario file `name`."""
    return scenario_path(name).read_text(encoding="utf-8")

"""The profile example of README.md's "Certifying a live deployment" loads as written (docs cannot rot)."""

from __future__ import annotations

import re
from pathlib import Path

from ctk_suite.config.profile import load_profile
from ctk_suite.core.levels import Level
from ctk_suite.http.settings import OAuth2Config

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_profile_example_loads(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("## Certify a deployment", 1)[1]
    example = re.search(r"### Profiles\n\n```yaml\n(?P<yaml>.*?)```", section, re.DOTALL)
    assert example is not None
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "staging-ca.pem").write_text("placeholder", encoding="utf-8")
    (tmp_path / "acme.yaml").write_text(example["yaml"], encoding="utf-8")
    profile = load_profile(tmp_path / "acme.yaml", env={"TMF622_CLIENT_SECRET": "s3cret-value"})
    assert profile.target.api_url == "https://api.staging.example.com/tmf-api/productOrderingManagement/v4/"
    assert isinstance(profile.auth, OAuth2Config)
    assert profile.levels == (Level.CTK, Level.EXTENDED_MANDATORY)
    assert profile.payload()["productOrderItem"][0]["productOffering"] == {"id": "PO-FIBRE-1000"}

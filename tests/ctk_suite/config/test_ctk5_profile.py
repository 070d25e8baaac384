"""What `api_version` decides in a profile: the default base path and, when the profile gives none, the
POST body (the kit's own); a body the profile gives is checked against that version's create schema."""

from __future__ import annotations

from pathlib import Path

import pytest

import tmf622_schemas
from ctk_suite.config.profile import (
    ProfileError,
    bundled_profile,
    kit_payload,
    load_profile,
    merge_cli_overrides,
)
from ctk_suite.config.target import aimed_at


def profile_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("version", "path", "schema"),
    [
        ("4.0.0", "/tmf-api/productOrderingManagement/v4", ("ProductOrder_Create", "4")),
        ("5.0.0", "/tmf-api/productOrderingManagement/v5", ("ProductOrder_FVO", "5")),
    ],
)
def test_the_version_chooses_the_embedded_mocks_root_and_default_body(
    tmp_path: Path, version: str, path: str, schema: tuple[str, str]
) -> None:
    profile = merge_cli_overrides(load_profile(bundled_profile(), env={}), {"api_version": version})
    assert (
        aimed_at(profile, "http://127.0.0.1:8622/anything").target.api_url == f"http://127.0.0.1:8622{path}/"
    )
    assert profile.payload() == kit_payload(version)
    assert tmf622_schemas.validator_for(*schema).is_valid(profile.payload())


def test_a_profiles_base_url_is_its_api_root_whatever_the_version(tmp_path: Path) -> None:
    text = 'target: {base_url: "https://x.example/po/v5"}\napi_version: "5.0.0"\n'
    assert load_profile(profile_file(tmp_path, text), env={}).target.api_url == "https://x.example/po/v5/"


def test_a_deprecated_api_path_is_still_appended(tmp_path: Path) -> None:
    text = 'target: {base_url: "https://x.example", api_path: /po/v5}\napi_version: "5.0.0"\n'
    assert load_profile(profile_file(tmp_path, text), env={}).target.api_url == "https://x.example/po/v5/"


def test_a_v5_body_is_checked_against_product_order_fvo(tmp_path: Path) -> None:
    text = (
        'target: {base_url: "https://x.example"}\napi_version: "5.0.0"\n'
        'payload: {productOrderItem: [{id: "1", action: add, "@type": ProductOrderItem}]}\n'
    )
    with pytest.raises(
        ProfileError, match=r"payload \$: '@type' is a required property .*\(schema ProductOrder_FVO\)"
    ):
        load_profile(profile_file(tmp_path, text), env={})


def test_a_body_given_twice_is_refused(tmp_path: Path) -> None:
    text = 'target: {base_url: "https://x.example"}\npayload: {}\npayload_file: order.json\n'
    with pytest.raises(ProfileError, match="not both"):
        load_profile(profile_file(tmp_path, text), env={})

"""Where things sit in the URL space: the control prefix, and paths relative to the base path."""

from __future__ import annotations

#: Test controls (`/_mock/reset`, `/_mock/clock`, `/_mock/deliveries`) live outside the TMF base path.
CONTROL_PREFIX = "/_mock"


def relative_path(path: str, base_path: str) -> str:
    """`{base}/resource/1` -> `/resource/1`; paths outside the base path stay as they are."""
    if base_path and (path == base_path or path.startswith(f"{base_path}/")):
        return path[len(base_path) :] or "/"
    return path


def is_control(path: str, base_path: str) -> bool:
    """`/_mock/...` at the root or under the base path."""
    segment = CONTROL_PREFIX.strip("/")
    return any(
        candidate.lstrip("/").split("/")[0] == segment for candidate in (path, relative_path(path, base_path))
    )


def deliveries_path(control_name: str) -> str:
    """`/_mock/<control name>/deliveries` of a version's delivery log; `/_mock/deliveries` for ""."""
    return "/".join(part for part in (CONTROL_PREFIX, control_name, "deliveries") if part)

"""The real id source: RFC 4122 version 4 UUIDs, random in every bit but the version and variant ones."""

from __future__ import annotations

import uuid

from mock_server.domain.clock import new_uuid

DRAWS = 4096
#: Positions in the 36 characters of the canonical form that are not a hyphen or the version digit.
RANDOM_POSITIONS = [at for at in range(36) if at not in {8, 13, 14, 18, 23}]


def test_each_id_is_a_canonical_version_4_uuid() -> None:
    for value in (new_uuid() for _ in range(DRAWS)):
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122), value
        assert str(parsed) == value  # lower case, hyphens in place


def test_ids_are_distinct_and_random_in_every_free_position() -> None:
    drawn = [new_uuid() for _ in range(DRAWS)]
    assert len(set(drawn)) == DRAWS
    for at in RANDOM_POSITIONS:
        seen = {value[at] for value in drawn}
        # 4096 draws of 16 digits (4 at the variant position) leave none unseen, but by a 1e-100 chance.
        assert len(seen) == (4 if at == 19 else 16), (at, sorted(seen))

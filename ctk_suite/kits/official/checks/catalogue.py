"""Every check kind, registered: look kinds up here, where the common, schema and v5 kinds are all in."""

from ctk_suite.kits.official.checks import kinds, schema, v5
from ctk_suite.kits.official.checks.kinds import check_kinds, get_check, validate_assertion

#: The modules whose kinds are registered (each registers on import; none imports this one).
REGISTERED = (kinds, schema, v5)

__all__ = ["REGISTERED", "check_kinds", "get_check", "validate_assertion"]

"""The TMF622 v5.0.0 extended level: its probes and checks, registered in the one extended registry."""

from ctk_suite.extended.v5 import events, probes, probes_optional, profile, rules  # noqa: F401 - registers

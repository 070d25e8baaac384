"""Every API version's extended probes and checks: importing this module registers them all in `run`.

A version is a folder (`v4/`, `v5/`) whose modules register under `run.probe` and `run.check`; `run`
itself imports none of them, so a version builds on the run and never the other way round.
"""

from ctk_suite.kits.extended.v4 import probes, probes_optional, robustness, rules_mandatory, rules_optional
from ctk_suite.kits.extended.v5 import events, rules
from ctk_suite.kits.extended.v5 import probes as v5_probes
from ctk_suite.kits.extended.v5 import probes_optional as v5_probes_optional
from ctk_suite.kits.extended.v5 import profile as v5_profile

#: The modules that registered, by version (read by tests that list what a version brings).
REGISTERED = {
    "4": (probes, probes_optional, robustness, rules_mandatory, rules_optional),
    "5": (v5_probes, v5_probes_optional, v5_profile, rules, events),
}

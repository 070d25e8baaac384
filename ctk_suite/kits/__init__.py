"""The kit types the engine knows: importing this package registers them in `KIT_TYPES`."""

from ctk_suite.kits import extended_kit, scenario_kit  # noqa: F401 - registration happens on import

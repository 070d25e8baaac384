"""Kit types on the engine: `official/` (ports of the official CTKs), `extended/` (our checks by API version).

Each kit type registers in `engine.kit.KIT_TYPES` when its `kit` module is imported (the plugin does).
"""

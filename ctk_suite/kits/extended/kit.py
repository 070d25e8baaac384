"""Kit type `tmf622-extended-rules/1`: our extended checks, one unit per rule of the catalogue."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from ctk_suite.core.levels import Level
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.engine.kit import KIT_TYPES, Kit, KitError, KitRunner, Unit
from ctk_suite.engine.records import KitInfo, UnitResult
from ctk_suite.engine.session import SuiteSession
from ctk_suite.kits.extended.catalogue import (
    CATALOGUE_FORMAT,
    Catalogue,
    CatalogueError,
    load_catalogue,
)

if TYPE_CHECKING:
    # The run imports the probes and checks (aiohttp, jsonschema): only once the kit starts.
    from ctk_suite.kits.extended.run import ExtendedRun

COLLECTION = "TMF622 extended conformance"
#: Sent with every extended request (TMF622 v4 consumes and produces JSON), as the CTK's config.json does.
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


@KIT_TYPES.register(CATALOGUE_FORMAT)
class ExtendedKit(Kit):
    """The catalogue: mandatory rules first, in the file's order."""

    format = CATALOGUE_FORMAT

    def __init__(self, catalogue: Catalogue, kit_id: str) -> None:
        rules = [rule for level in Level for rule in catalogue.at_level(level)]
        info = KitInfo(kit_id, "extended", catalogue.ctk_version, COLLECTION, official=False)
        super().__init__(info, [Unit(rule.id, rule.name, rule.level) for rule in rules])
        self.catalogue = catalogue

    @classmethod
    def load(cls, path: Path) -> ExtendedKit:
        """The catalogue, every rule implemented by a registered check."""
        # By its full name, so a registry imported afresh (pytester drops the modules a run imported)
        # is filled again: `from package import versions` would return the package's stale attribute.
        importlib.import_module("ctk_suite.kits.extended.versions")  # registers the checks
        from ctk_suite.kits.extended.run import CHECKS  # noqa: PLC0415 - see TYPE_CHECKING

        try:
            catalogue = load_catalogue(path)
        except CatalogueError as exc:
            raise KitError(str(exc)) from None
        if unchecked := [rule.id for rule in catalogue.rules if rule.check_name not in CHECKS]:
            raise KitError(f"{path}: no check implements {', '.join(unchecked)}")
        return cls(catalogue, path.stem)

    def start(self, session: SuiteSession) -> KitRunner:
        """An extended run with the session's client, headers, payload and listener settings."""
        from ctk_suite.kits.extended.listener import ListenerSettings  # noqa: PLC0415 - see TYPE_CHECKING
        from ctk_suite.kits.extended.run import ExtendedRun, Target  # noqa: PLC0415

        profile = session.profile
        listener = profile.listener
        register_callback_secrets(listener.callback_url, session.registry)
        headers = {**JSON_HEADERS, **profile.request_headers}
        target = Target(session.api_url, headers, profile.payload, session.client.send)
        settings = ListenerSettings(
            listener.bind_host, listener.bind_port, listener.callback_url, listener.event_timeout
        )
        return ExtendedRunner(ExtendedRun(target, settings), self)


class ExtendedRunner(KitRunner):
    """Evaluates one rule per unit; the probes' evidence is shared by the whole run."""

    def __init__(self, run: ExtendedRun, kit: ExtendedKit) -> None:
        self.run_state = run
        self.kit = kit
        self._rules = {rule.id: rule for rule in kit.catalogue.rules}

    def run(self, unit: Unit) -> list[UnitResult]:
        """The check of `unit`'s rule."""
        checked = self.run_state.evaluate(self._rules[unit.id])
        return [checked.unit(self.run_state.target.base_url, self.kit.info)]

    def close(self) -> None:
        """Unregister left-over subscriptions and stop the listener."""
        self.run_state.close()


def register_callback_secrets(callback_url: str | None, registry: SecretRegistry) -> None:
    """A tunnel's callback URL may carry a password or a token in its query: mask them in every report."""
    if not callback_url:
        return
    parts = urlsplit(callback_url)
    registry.add(parts.password)
    for _, value in parse_qsl(parts.query):
        registry.add(value)

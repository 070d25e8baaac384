"""Install v5's own app-wide objects: its hub and a notifier that writes v5 envelopes.

Everything else v5 uses is the app's: store, clock and ids (so deterministic mode covers v5),
settings, error and fault middlewares.
"""

from __future__ import annotations

from aiohttp import web

from mock_server.domain.clock import Clock, IdSource
from mock_server.keys import SETTINGS_KEY, V5_HUB_KEY, V5_NOTIFIER_KEY
from mock_server.notify.hub import HubRegistry, HubRules
from mock_server.notify.notifier import Notifier
from mock_server.notify.settings import NotifierSettings
from mock_server.v5.envelopes import V5EventFactory


def install_v5_events(app: web.Application, clock: Clock, new_id: IdSource) -> None:
    hub = HubRegistry(new_id=new_id, rules=HubRules.of(app[SETTINGS_KEY]))
    events = V5EventFactory(new_id=new_id, clock=clock)
    notifier = Notifier(hub, NotifierSettings.of(app[SETTINGS_KEY]), events=events)
    app[V5_HUB_KEY], app[V5_NOTIFIER_KEY] = hub, notifier
    app.cleanup_ctx.append(notifier.lifetime)

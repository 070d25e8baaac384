"""Typed application keys: every app-wide object the handlers reach, set by `create_app`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from mock_server.config.settings import Settings
from mock_server.notify.events import EventSink
from mock_server.store.base import Store

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey[Store]("store")
EVENTS = web.AppKey[EventSink]("events")
#: Injected so a deterministic mode can fix time and ids.
CLOCK = web.AppKey[Callable[[], datetime]]("clock")
NEW_ID = web.AppKey[Callable[[], str]]("new_id")

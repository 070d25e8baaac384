"""POST /productOrder: validate, fill in the server-owned fields, store, start its progression, answer 201."""

from __future__ import annotations

from aiohttp import web

from mock_server.domain.events import publish_all
from mock_server.handlers.common import channel_events, now_text
from mock_server.http.bodies import read_object
from mock_server.http.responses import dump_json, json_bytes_response
from mock_server.http.validation import require_valid
from mock_server.keys import NEW_ID_KEY, STORE_KEY
from mock_server.versions.tmf622_v4.events import created_events
from mock_server.versions.tmf622_v4.orders import new_product_order
from mock_server.versions.tmf622_v4.progression import start_order
from mock_server.versions.tmf622_v4.resources import NAME, PRODUCT_ORDER
from mock_server.versions.tmf622_v4.urls import v4_url


async def create_product_order(request: web.Request) -> web.Response:
    body = await read_object(request)
    require_valid(PRODUCT_ORDER.create_schema, body)
    app = request.app
    order_id = app[NEW_ID_KEY]()
    href = f"{v4_url(request, PRODUCT_ORDER.collection)}/{order_id}"
    # Built by our code from a valid create body: a valid ProductOrder by construction
    # (tests/mock_server/versions/tmf622_v4/test_product_order_invariants.py), so it is not validated again.
    order = new_product_order(body, order_id=order_id, href=href, order_date=now_text(request))
    encoded = dump_json(order)  # before the write: nothing after it can fail the request
    announced = created_events(PRODUCT_ORDER.collection, order)
    await app[STORE_KEY].add(PRODUCT_ORDER.collection, order, announced)  # with its events (see Store)
    publish_all(channel_events(request, NAME), order, announced)
    start_order(app, order)  # no-op unless auto progression is on
    # TMF622B: href "must be the same as the one set in Location header".
    return json_bytes_response(encoded, status=201, headers={"Location": href})

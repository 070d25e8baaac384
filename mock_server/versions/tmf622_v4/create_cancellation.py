"""POST /cancelProductOrder: validate, check the order exists, start the cancellation, answer 201."""

from __future__ import annotations

from aiohttp import web

from mock_server.domain.errors import InvalidInput
from mock_server.domain.resources import MAX_ID_LENGTH
from mock_server.http.bodies import read_object
from mock_server.http.responses import json_response
from mock_server.http.validation import require_valid
from mock_server.keys import LIFECYCLE_KEY, NEW_ID_KEY, STORE_KEY
from mock_server.store.base import read
from mock_server.versions.tmf622_v4.cancellation import new_cancel_task, start_cancellation
from mock_server.versions.tmf622_v4.progression import steps_of
from mock_server.versions.tmf622_v4.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER
from mock_server.versions.tmf622_v4.urls import v4_url


async def create_cancel_product_order(request: web.Request) -> web.Response:
    """201 with the task: in its final state, or `acknowledged` when cancellations are paced."""
    body = await read_object(request)
    require_valid(CANCEL_PRODUCT_ORDER.create_schema, body)
    order_id = body["productOrder"]["id"]
    order = (
        await read(request.app[STORE_KEY], PRODUCT_ORDER.collection, order_id)
        if len(order_id) <= MAX_ID_LENGTH
        else None
    )
    if order is None:
        raise InvalidInput(f"$.productOrder.id: no productOrder with id {order_id[:MAX_ID_LENGTH]!r}")
    task_id = request.app[NEW_ID_KEY]()
    href = f"{v4_url(request, CANCEL_PRODUCT_ORDER.collection)}/{task_id}"
    task = new_cancel_task(body, task_id=task_id, href=href)
    task = await start_cancellation(request.app[LIFECYCLE_KEY], steps_of(request.app), task, order)
    return json_response(task, status=201, headers={"Location": href})

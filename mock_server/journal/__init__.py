"""The request journal: what clients sent, for `GET /_mock/requests` (as WireMock's request log)."""

"""Reference aiohttp implementation of TMF622 Product Ordering v4 (factory: `mock_server.app.create_app`)."""

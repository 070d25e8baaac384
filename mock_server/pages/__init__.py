"""The pages a developer opens in a browser: the landing page at `/` and the API explorer at `/docs`."""

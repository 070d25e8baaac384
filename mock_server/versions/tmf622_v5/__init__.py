"""TMF622 v5.0.0 beside v4: its own resources, states, PATCH media types, events and routes."""

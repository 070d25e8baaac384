"""Event delivery: hub subscriptions and their filters, event envelopes, one delivery lane per listener."""

"""Event delivery: hub subscriptions and their filters, TMF622 event envelopes, the queued notifier."""

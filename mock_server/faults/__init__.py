"""Fault injection for client testing: a plan of latency, errors and broken answers, and its middleware."""

"""One robust HTTP client: settings, origin rule, deadlines, transport, auth, explained errors, exchanges.

Imports nothing of ctk_suite but `core` (an import-linter contract): httpx's rule, transports never
import the client, here the whole layer never imports the suite above it.
"""

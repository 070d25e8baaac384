"""What every part shares: failures as values, secret masking, the name-keyed `Registry`.

Imports nothing else of ctk_suite (an import-linter contract).
"""

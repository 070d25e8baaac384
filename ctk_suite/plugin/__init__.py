"""The pytest plugin: its hooks wire options, kits, the engine and the reports.

pytest finds it through the `pytest11` entry point `ctk_suite.pytest_entry`.
"""

"""The package list, found rather than written out, so no subpackage is left out of the wheel.

Everything else about the build is in pyproject.toml.
"""

from setuptools import find_packages, setup

PRODUCTS = ["mock_server", "mock_server.*", "ctk_suite", "ctk_suite.*"]
#: Data directories installed as packages (their directories: pyproject's package-dir).
DATA_PACKAGES = ["tmf622_schemas", "tmf622_scenarios"]

setup(packages=[*find_packages(include=PRODUCTS), *DATA_PACKAGES])

"""Tests of the toolkit itself; folders mirror the packages, helpers live in `tests.support`."""

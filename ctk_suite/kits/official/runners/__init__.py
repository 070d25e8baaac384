"""Models of the official kits' runners, registered by the name a scenario's `officialRunner` gives: what
Newman (v4, postman.py) or Cypress (v5, cypress.py) would decide for each assertion, beside our verdict."""

from __future__ import annotations

from ctk_suite.core.registry import Registry
from ctk_suite.kits.official.runners.base import OfficialRunner
from ctk_suite.kits.official.runners.cypress import CypressRunner
from ctk_suite.kits.official.runners.postman import PostmanRunner

RUNNERS: Registry[OfficialRunner] = Registry("official runner")
RUNNERS.add("postman", PostmanRunner())
RUNNERS.add("cypress", CypressRunner())

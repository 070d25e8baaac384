"""Ports of TM Forum's official CTKs: scenarios as data, check kinds as code, models of the runners."""

"""Models of the official kits' runners: what Postman (v4) and Cypress (v5) would decide for an assertion."""

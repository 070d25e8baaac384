"""The mock's own OpenAPI 3.1 documents, one per served version, from its routes and the shared schemas."""

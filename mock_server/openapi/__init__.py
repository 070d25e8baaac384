"""The mock's own OpenAPI 3.1 document, built from the routes it serves and the shared schemas."""

"""Check kinds, looked up by name: `catalogue` registers every kind (kinds, schema, v5)."""

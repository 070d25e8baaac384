"""Settings and where they come from: one option table, flags, environment and a config file."""

"""The suite's options: one table, and the layers (command line, environment, ini, profile) built from it."""

"""Where resources live: the Store protocol, the memory and SQLite backends, TMF630 list queries."""

"""Shared test helpers: fakes, in-thread servers, clients. Test modules import from here, never from
each other."""

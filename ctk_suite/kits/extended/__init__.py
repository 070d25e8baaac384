"""The extended conformance level: checks of TMF622B, TMF630 and the v4 swagger beyond the official CTK."""

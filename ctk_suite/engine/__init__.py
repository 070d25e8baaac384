"""The suite engine: kits, the one pytest item and collector, and the one result record they all share."""

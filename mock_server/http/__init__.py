"""HTTP plumbing shared by every handler: request bodies, JSON responses, TMF Error answers, schema checks."""

"""HTTP handlers: parse the request, call the rules, serialize the answer."""

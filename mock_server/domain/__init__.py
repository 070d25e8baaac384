"""TMF622 rules without HTTP: state tables, server-made fields, updates, lifecycles, cancellation, seed."""

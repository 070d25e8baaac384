"""TMF622 rules without HTTP: state tables, events per change, updates, lifecycles, cancellation, seed."""

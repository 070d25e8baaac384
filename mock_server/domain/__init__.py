"""What every version's rules share, without HTTP: state machines, events, PATCH rules and budget,
background steps, seed storage, domain errors."""

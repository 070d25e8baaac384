"""The TMF622 v4.0.0 extended level: its probes and checks, registered in the one extended registry."""

"""What TMF622 v4 and v5 share beyond the core: the progression scenario their orders walk."""

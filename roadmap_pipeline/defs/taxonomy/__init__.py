"""Assets of the taxonomy stage."""

"""Assets of the core stage."""

"""Assets of the indicators stage."""

"""Assets of the reports stage."""

"""Assets of the topics stage."""

"""Partition definitions shared by the stages."""

import dagster as dg

# Delivery (publication) month of a dump; the landing zone's <YYYY-MM> folders.
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2000-01", fmt="%Y-%m", end_offset=1)

"""Partition definitions shared by the stages."""

import dagster as dg

# Delivery (publication) month of a dump; the landing zone's <YYYY-MM> folders.
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2000-01", fmt="%Y-%m", end_offset=1)

# Taxonomy subclasses (ASCII slugs such as design.process_design); the taxonomy sensor adds the keys
# of the taxonomy file, so a new subclass is a new partition, backfilled alone.
subclass_partitions = dg.DynamicPartitionsDefinition(name="taxonomy_subclass")

-- Empties a range of months of one source's raw tables and rejects (the first half of a reload).
DELETE FROM raw.{source}_documents WHERE partition_month BETWEEN $first_month AND $last_month;
DELETE FROM raw.{source}_priorities WHERE partition_month BETWEEN $first_month AND $last_month;
DELETE FROM raw.{source}_classifications WHERE partition_month BETWEEN $first_month AND $last_month;
DELETE FROM raw.{source}_parties WHERE partition_month BETWEEN $first_month AND $last_month;
DELETE FROM raw.{source}_citations WHERE partition_month BETWEEN $first_month AND $last_month;
DELETE FROM core.rejected_records WHERE source = $source AND partition_month BETWEEN $first_month AND $last_month;

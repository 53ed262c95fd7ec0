-- Replaces one (source, month) partition of the raw tables and its rejects with the staged Parquet.
-- Delete-then-insert inside the caller's transaction, so that re-materializing is idempotent.
DELETE FROM raw.{source}_documents WHERE partition_month = $month;
DELETE FROM raw.{source}_priorities WHERE partition_month = $month;
DELETE FROM raw.{source}_classifications WHERE partition_month = $month;
DELETE FROM raw.{source}_parties WHERE partition_month = $month;
DELETE FROM raw.{source}_citations WHERE partition_month = $month;
DELETE FROM core.rejected_records WHERE source = $source AND partition_month = $month;
INSERT INTO raw.{source}_documents BY NAME SELECT * FROM read_parquet($documents);
INSERT INTO raw.{source}_priorities BY NAME SELECT * FROM read_parquet($priorities);
INSERT INTO raw.{source}_classifications BY NAME SELECT * FROM read_parquet($classifications);
INSERT INTO raw.{source}_parties BY NAME SELECT * FROM read_parquet($parties);
INSERT INTO raw.{source}_citations BY NAME SELECT * FROM read_parquet($citations);
INSERT INTO core.rejected_records BY NAME SELECT * FROM read_parquet($rejects);

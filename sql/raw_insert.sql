-- Loads the staged Parquet of one (source, month) partition into the raw tables and the quarantine.
INSERT INTO raw.{source}_documents BY NAME SELECT * FROM read_parquet($documents);
INSERT INTO raw.{source}_priorities BY NAME SELECT * FROM read_parquet($priorities);
INSERT INTO raw.{source}_classifications BY NAME SELECT * FROM read_parquet($classifications);
INSERT INTO raw.{source}_parties BY NAME SELECT * FROM read_parquet($parties);
INSERT INTO raw.{source}_citations BY NAME SELECT * FROM read_parquet($citations);
INSERT INTO core.rejected_records BY NAME SELECT * FROM read_parquet($rejects);

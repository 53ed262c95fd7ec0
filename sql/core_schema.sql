-- Core tables that exist before any document is merged: the quarantine of rejected input.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.rejected_records (
    source VARCHAR NOT NULL,
    partition_month VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    locator VARCHAR,
    reason VARCHAR NOT NULL,
    excerpt VARCHAR,
    severity VARCHAR NOT NULL
);

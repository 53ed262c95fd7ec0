-- The indicators stage's per-subclass facts: one row per valid family of a subclass, as indicators count it.
CREATE SCHEMA IF NOT EXISTS indicators;

CREATE TABLE IF NOT EXISTS indicators.subclass_facts (
    subclass_key VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    family_id VARCHAR NOT NULL,
    priority_year BIGINT,
    first_filing_country VARCHAR,
    forward_citations BIGINT,
    family_size BIGINT
);

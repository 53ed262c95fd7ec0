-- The taxonomy stage's tables: subclass definitions and the screened candidates of each subclass.
CREATE SCHEMA IF NOT EXISTS taxonomy;

CREATE TABLE IF NOT EXISTS taxonomy.subclasses (
    subclass_key VARCHAR PRIMARY KEY,
    category VARCHAR NOT NULL,
    category_name_ko VARCHAR,
    category_name_en VARCHAR,
    name_ko VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    query VARCHAR NOT NULL,
    cpc_scope VARCHAR[],
    exclude VARCHAR[],
    threshold DOUBLE,
    fingerprint VARCHAR NOT NULL,
    taxonomy_key VARCHAR NOT NULL,
    taxonomy_version VARCHAR NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS taxonomy.subclass_patents (
    subclass_key VARCHAR NOT NULL,
    family_id VARCHAR NOT NULL,
    query_match BOOLEAN NOT NULL,
    matched_terms VARCHAR[],
    similarity FLOAT,
    exclusion FLOAT,
    relevance FLOAT,
    relevance_method VARCHAR,
    threshold FLOAT,
    is_valid BOOLEAN NOT NULL,
    label VARCHAR,
    evidence VARCHAR,
    text_hash VARCHAR,
    model VARCHAR
);

-- Whose verdict is_valid is (analyst or model), the model's own and the description's alone; added
-- to a table written before the analysts' verdicts were read back.
ALTER TABLE taxonomy.subclass_patents ADD COLUMN IF NOT EXISTS verdict_source VARCHAR;
ALTER TABLE taxonomy.subclass_patents ADD COLUMN IF NOT EXISTS model_valid BOOLEAN;
ALTER TABLE taxonomy.subclass_patents ADD COLUMN IF NOT EXISTS description_valid BOOLEAN;

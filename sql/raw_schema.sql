-- Raw tables of one delivering source ({source}): every parsed record, per partition month.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.{source}_documents (
    source VARCHAR NOT NULL,
    partition_month VARCHAR NOT NULL,
    rec BIGINT NOT NULL,
    source_file VARCHAR NOT NULL,
    locator VARCHAR,
    source_format VARCHAR,
    doc_id VARCHAR NOT NULL,
    office VARCHAR NOT NULL,
    publication_number VARCHAR,
    kind VARCHAR,
    publication_date DATE,
    application_id VARCHAR,
    filing_date DATE,
    docdb_family_id VARCHAR,
    title VARCHAR,
    title_lang VARCHAR,
    abstract VARCHAR,
    abstract_lang VARCHAR,
    title_en VARCHAR,
    abstract_en VARCHAR,
    status VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.{source}_priorities (
    source VARCHAR NOT NULL,
    partition_month VARCHAR NOT NULL,
    rec BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    seq INTEGER,
    priority_id VARCHAR NOT NULL,
    priority_date DATE,
    active BOOLEAN,
    linkage_type VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.{source}_classifications (
    source VARCHAR NOT NULL,
    partition_month VARCHAR NOT NULL,
    rec BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    scheme VARCHAR NOT NULL,
    symbol VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.{source}_parties (
    source VARCHAR NOT NULL,
    partition_month VARCHAR NOT NULL,
    rec BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    seq INTEGER,
    name VARCHAR,
    country VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.{source}_citations (
    source VARCHAR NOT NULL,
    partition_month VARCHAR NOT NULL,
    rec BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    cited_id VARCHAR NOT NULL,
    category VARCHAR
);

-- The topics stage's tables: clusters of each subclass's valid families, keyword trends, emergence, themes.
CREATE SCHEMA IF NOT EXISTS topics;

CREATE TABLE IF NOT EXISTS topics.clusters (
    subclass_key VARCHAR NOT NULL,
    cluster_id INTEGER NOT NULL,
    size INTEGER NOT NULL,
    label VARCHAR,
    keywords VARCHAR[]
);

CREATE TABLE IF NOT EXISTS topics.cluster_members (
    subclass_key VARCHAR NOT NULL,
    cluster_id INTEGER NOT NULL,
    family_id VARCHAR NOT NULL,
    probability DOUBLE
);

CREATE TABLE IF NOT EXISTS topics.keyword_trends (
    subclass_key VARCHAR NOT NULL,
    cluster_id INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    window_end INTEGER NOT NULL,
    keyword VARCHAR NOT NULL,
    weight DOUBLE,
    frequency BIGINT,
    emergence DOUBLE
);

CREATE TABLE IF NOT EXISTS topics.cluster_windows (
    subclass_key VARCHAR NOT NULL,
    cluster_id INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    window_end INTEGER NOT NULL,
    n_documents BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS topics.emerging_keywords (
    subclass_key VARCHAR NOT NULL,
    cluster_id INTEGER NOT NULL,
    keyword VARCHAR NOT NULL,
    n_documents DOUBLE,
    base_documents DOUBLE,
    active_documents DOUBLE,
    base_share DOUBLE,
    active_to_base DOUBLE,
    eligible BOOLEAN,
    escore DOUBLE,
    active_trend DOUBLE,
    recent_trend DOUBLE,
    slope DOUBLE,
    last_year INTEGER
);

CREATE TABLE IF NOT EXISTS topics.task_themes (
    subclass_key VARCHAR NOT NULL,
    cluster_id INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    growth DOUBLE,
    n_recent BIGINT,
    n_before BIGINT,
    top_emerging VARCHAR[],
    label VARCHAR
);

-- The topics stage's tables: clusters of each subclass's valid families, keyword trends, emergence, themes, refresh state.
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
    probability DOUBLE,
    assigned BOOLEAN DEFAULT false
);

-- assigned: true when a refresh placed the family by a nearest-neighbour vote instead of clustering it.
ALTER TABLE topics.cluster_members ADD COLUMN IF NOT EXISTS assigned BOOLEAN DEFAULT false;

-- The text each member was clustered with (lib/embeddings text_hash) and its keyword tokens, so that a
-- refresh tokenizes only new texts and knows which members' texts changed.
CREATE TABLE IF NOT EXISTS topics.member_tokens (
    subclass_key VARCHAR NOT NULL,
    family_id VARCHAR NOT NULL,
    text_hash VARCHAR NOT NULL,
    tokens VARCHAR[]
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

-- language: the keyword's language (en, ko, ja, zh); each language is weighed as its own c-TF-IDF model.
ALTER TABLE topics.keyword_trends ADD COLUMN IF NOT EXISTS language VARCHAR;

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

-- language: the keyword's language; its EScore counts the documents of that language.
ALTER TABLE topics.emerging_keywords ADD COLUMN IF NOT EXISTS language VARCHAR;

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


-- One row per (subclass, stage): the fingerprint of the input its tables were last computed from, so
-- that a refresh with unchanged input skips the subclass. stage: 'topics' (the patent network keeps its
-- fingerprint beside its files).
-- settings_fingerprint: the clustering settings alone; families: rows computed; clustered_families:
-- families of the last full clustering; mode: what the last run did ('full', 'assigned N new', 'unchanged').
CREATE TABLE IF NOT EXISTS topics.subclass_state (
    subclass_key VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    settings_fingerprint VARCHAR,
    families BIGINT,
    clustered_families BIGINT,
    mode VARCHAR,
    note VARCHAR,
    computed_at TIMESTAMP,
    checked_at TIMESTAMP
);

-- Warehouses written before the network kept its fingerprint beside its files hold its rows here.
DELETE FROM topics.subclass_state WHERE stage = 'patent_network';

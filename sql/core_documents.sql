-- core.documents and its child tables: one row per IP5 publication, merged over every record of it.
-- A record's origin is the format family it was read from (kipris, uspto, docdb, ops): the same
-- publication may come from two origins in one dump folder (KIPRIS and DOCDB in KR/) or from two
-- dumps. Per (raw source, origin, doc_id) the newest record wins (latest month, then last in file);
-- a DOCDB delete (status D) withdraws that record. Across records, each column takes the first
-- non-null value by rank: the office's own format first (KIPRIS for KR, USPTO for US), then
-- DOCDB/OPS, then the rest; titles and abstracts prefer the office's language; DOCDB family ids and
-- priorities prefer DOCDB/OPS.
CREATE OR REPLACE TEMP TABLE latest_records AS
SELECT d.*,
    d.source || '/' || d.partition_month || '/' || d.rec AS record_key,
    split_part(d.source_format, '-', 1) AS origin,
    CASE
        WHEN split_part(d.source_format, '-', 1) || ':' || d.office IN ('kipris:KR', 'uspto:US') THEN 1
        WHEN split_part(d.source_format, '-', 1) IN ('docdb', 'ops') THEN 2
        ELSE 3
    END AS source_rank,
    split_part(d.source_format, '-', 1) IN ('docdb', 'ops') AS is_docdb,
    CASE d.office WHEN 'KR' THEN 'ko' WHEN 'JP' THEN 'ja' WHEN 'CN' THEN 'zh' ELSE 'en' END AS office_lang
FROM raw.all_documents AS d
WHERE d.office IN ('KR', 'US', 'JP', 'CN', 'EP')
QUALIFY row_number() OVER (
    PARTITION BY d.source, split_part(d.source_format, '-', 1), d.doc_id
    ORDER BY d.partition_month DESC, d.rec DESC
) = 1;

DELETE FROM latest_records WHERE status = 'D';

CREATE OR REPLACE TABLE core.documents AS
SELECT
    doc_id,
    any_value(office) AS office,
    first(publication_number ORDER BY source_rank) FILTER (WHERE publication_number IS NOT NULL) AS publication_number,
    any_value(kind) AS kind,
    first(publication_date ORDER BY source_rank) FILTER (WHERE publication_date IS NOT NULL) AS publication_date,
    first(application_id ORDER BY source_rank) FILTER (WHERE application_id IS NOT NULL) AS application_id,
    first(filing_date ORDER BY source_rank) FILTER (WHERE filing_date IS NOT NULL) AS filing_date,
    first(docdb_family_id ORDER BY is_docdb DESC, source_rank) FILTER (WHERE docdb_family_id IS NOT NULL) AS docdb_family_id,
    first(title ORDER BY title_lang = office_lang DESC, source_rank) FILTER (WHERE title IS NOT NULL) AS title,
    first(title_lang ORDER BY title_lang = office_lang DESC, source_rank) FILTER (WHERE title IS NOT NULL) AS title_lang,
    first(abstract ORDER BY abstract_lang = office_lang DESC, source_rank) FILTER (WHERE abstract IS NOT NULL) AS abstract,
    first(abstract_lang ORDER BY abstract_lang = office_lang DESC, source_rank) FILTER (WHERE abstract IS NOT NULL) AS abstract_lang,
    first(title_en ORDER BY source_rank) FILTER (WHERE title_en IS NOT NULL) AS title_en,
    first(abstract_en ORDER BY source_rank) FILTER (WHERE abstract_en IS NOT NULL) AS abstract_en,
    list(DISTINCT origin ORDER BY origin) AS sources,
    list(DISTINCT source ORDER BY source) AS raw_sources,
    max(partition_month) AS last_delivery_month
FROM latest_records
GROUP BY doc_id
ORDER BY doc_id;

-- Child rows come from one chosen record per document and kind (a single record, not a source), so that a priority set is never a
-- mixture of two sources' readings; classifications and citations are facts and are unioned.
CREATE OR REPLACE TEMP TABLE priority_source AS
SELECT p.doc_id, first(l.record_key ORDER BY l.is_docdb DESC, l.source_rank, l.record_key) AS record_key
FROM raw.all_priorities AS p
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY p.doc_id;

CREATE OR REPLACE TABLE core.document_priorities AS
SELECT DISTINCT p.doc_id, p.priority_id, p.priority_date, p.active, p.linkage_type, p.seq, l.origin AS source
FROM raw.all_priorities AS p
JOIN latest_records AS l USING (source, partition_month, rec)
JOIN priority_source AS s USING (record_key)
ORDER BY p.doc_id, p.seq, p.priority_id;

CREATE OR REPLACE TEMP TABLE party_source AS
SELECT p.doc_id, first(l.record_key ORDER BY l.source_rank, l.record_key) AS record_key
FROM raw.all_parties AS p
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY p.doc_id;

CREATE OR REPLACE TABLE core.document_parties AS
SELECT DISTINCT p.doc_id, p.role, p.seq, p.name, p.country, l.origin AS source
FROM raw.all_parties AS p
JOIN latest_records AS l USING (source, partition_month, rec)
JOIN party_source AS s USING (record_key)
ORDER BY p.doc_id, p.role, p.seq;

CREATE OR REPLACE TABLE core.document_classifications AS
SELECT c.doc_id, c.scheme, c.symbol, list(DISTINCT l.origin ORDER BY l.origin) AS sources
FROM raw.all_classifications AS c
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY c.doc_id, c.scheme, c.symbol
ORDER BY c.doc_id, c.scheme, c.symbol;

CREATE OR REPLACE TABLE core.document_citations AS
SELECT c.doc_id, c.cited_id, first(c.category ORDER BY c.category NULLS LAST) AS category,
    list(DISTINCT l.origin ORDER BY l.origin) AS sources
FROM raw.all_citations AS c
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY c.doc_id, c.cited_id
ORDER BY c.doc_id, c.cited_id;

-- core.documents and its child tables: one row per IP5 publication, merged over every source.
-- Per (source, doc_id) the newest record wins (latest month, then last in file); a DOCDB delete
-- (status D) withdraws that source's record. Across sources, each column takes the first non-null
-- value by source rank: the publishing office's own source first, then DOCDB, then the others;
-- titles and abstracts prefer the office's language, DOCDB family ids and priorities prefer DOCDB.
CREATE OR REPLACE TEMP TABLE latest_records AS
SELECT d.*,
    CASE
        WHEN d.source || ':' || d.office IN ('kipo:KR', 'uspto:US', 'jpo:JP', 'cnipa:CN', 'epo:EP') THEN 1
        WHEN d.source = 'epo' THEN 2
        ELSE 3
    END AS source_rank,
    CASE d.office WHEN 'KR' THEN 'ko' WHEN 'JP' THEN 'ja' WHEN 'CN' THEN 'zh' ELSE 'en' END AS office_lang
FROM raw.all_documents AS d
WHERE d.office IN ('KR', 'US', 'JP', 'CN', 'EP')
QUALIFY row_number() OVER (PARTITION BY d.source, d.doc_id ORDER BY d.partition_month DESC, d.rec DESC) = 1;

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
    first(docdb_family_id ORDER BY source = 'epo' DESC, source_rank) FILTER (WHERE docdb_family_id IS NOT NULL) AS docdb_family_id,
    first(title ORDER BY title_lang = office_lang DESC, source_rank) FILTER (WHERE title IS NOT NULL) AS title,
    first(title_lang ORDER BY title_lang = office_lang DESC, source_rank) FILTER (WHERE title IS NOT NULL) AS title_lang,
    first(abstract ORDER BY abstract_lang = office_lang DESC, source_rank) FILTER (WHERE abstract IS NOT NULL) AS abstract,
    first(abstract_lang ORDER BY abstract_lang = office_lang DESC, source_rank) FILTER (WHERE abstract IS NOT NULL) AS abstract_lang,
    first(title_en ORDER BY source_rank) FILTER (WHERE title_en IS NOT NULL) AS title_en,
    first(abstract_en ORDER BY source_rank) FILTER (WHERE abstract_en IS NOT NULL) AS abstract_en,
    list(DISTINCT source ORDER BY source) AS sources,
    max(partition_month) AS last_delivery_month
FROM latest_records
GROUP BY doc_id
ORDER BY doc_id;

-- Child rows come from one chosen record per document and kind, so that a priority set is never a
-- mixture of two sources' readings; classifications and citations are facts and are unioned.
CREATE OR REPLACE TEMP TABLE priority_source AS
SELECT p.doc_id, first(p.source ORDER BY l.source = 'epo' DESC, l.source_rank) AS source
FROM raw.all_priorities AS p
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY p.doc_id;

CREATE OR REPLACE TABLE core.document_priorities AS
SELECT DISTINCT p.doc_id, p.priority_id, p.priority_date, p.active, p.linkage_type, p.seq, p.source
FROM raw.all_priorities AS p
JOIN latest_records AS l USING (source, partition_month, rec)
JOIN priority_source AS s ON s.doc_id = p.doc_id AND s.source = p.source
ORDER BY p.doc_id, p.seq, p.priority_id;

CREATE OR REPLACE TEMP TABLE party_source AS
SELECT p.doc_id, first(p.source ORDER BY l.source_rank, l.source) AS source
FROM raw.all_parties AS p
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY p.doc_id;

CREATE OR REPLACE TABLE core.document_parties AS
SELECT DISTINCT p.doc_id, p.role, p.seq, p.name, p.country, p.source
FROM raw.all_parties AS p
JOIN latest_records AS l USING (source, partition_month, rec)
JOIN party_source AS s ON s.doc_id = p.doc_id AND s.source = p.source
ORDER BY p.doc_id, p.role, p.seq;

CREATE OR REPLACE TABLE core.document_classifications AS
SELECT c.doc_id, c.scheme, c.symbol, list(DISTINCT c.source ORDER BY c.source) AS sources
FROM raw.all_classifications AS c
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY c.doc_id, c.scheme, c.symbol
ORDER BY c.doc_id, c.scheme, c.symbol;

CREATE OR REPLACE TABLE core.document_citations AS
SELECT c.doc_id, c.cited_id, first(c.category ORDER BY c.category NULLS LAST) AS category,
    list(DISTINCT c.source ORDER BY c.source) AS sources
FROM raw.all_citations AS c
JOIN latest_records AS l USING (source, partition_month, rec)
GROUP BY c.doc_id, c.cited_id
ORDER BY c.doc_id, c.cited_id;

-- core.families: one row per simple family with its attributes, its extended family and how it was linked.
-- Needs family_keys, family_doc_keys (families_keys.sql) and family_extended, the components of family_link_edges
-- (families_extended.sql, connected_components.sql).
--   * earliest priority: the earliest of the members' priority sets; first_filing_country is the
--     CC of its id (the receiving office for a PCT application, US for US-2013064552-W);
--   * representative: a member with an English abstract, else one with any abstract, then the
--     earliest published, then the smallest doc_id; title and abstract are its English ones where
--     it has them, else its own;
--   * forward_citations: distinct other families that cite any member (a citation names the
--     DOCDB publication id it cites; it counts when that publication is a member);
--   * linked_by: 'priorities' (no member carries a DOCDB id), 'docdb' (DOCDB ids join several
--     priority sets), 'both' (one priority set, confirmed by DOCDB ids), 'fallback' (families without
--     priority or DOCDB evidence joined by title, applicant and filing dates, families_fallback_edges.sql).
-- Everything is grouped by the integer family_no; lists are built with string_agg and split
-- (chr(31) separates names), then deduplicated and sorted: at a million documents that is several
-- times faster than list() or ordered aggregates. Earliest and representative are picked with
-- min() over sortable strings ('YYYY-MM-DD' || id), deterministic on ties.

-- One pass over the members' documents; the representative's texts ride along in arg_min.
CREATE OR REPLACE TEMP TABLE family_base AS
SELECT
    k.family_no,
    min(k.earliest) AS earliest,
    bit_or(CASE d.office WHEN 'CN' THEN 1 WHEN 'EP' THEN 2 WHEN 'JP' THEN 4 WHEN 'KR' THEN 8 WHEN 'US' THEN 16 ELSE 0 END) AS office_mask,
    count(*) AS member_count,
    bool_or(k.fallback) AS fallback,
    arg_min(
        {'doc_id': d.doc_id, 'title': d.title, 'title_lang': d.title_lang, 'title_en': d.title_en,
         'abstract': d.abstract, 'abstract_lang': d.abstract_lang, 'abstract_en': d.abstract_en},
        CASE
            WHEN d.abstract_en IS NOT NULL OR (d.abstract_lang = 'en' AND d.abstract IS NOT NULL) THEN '0'
            WHEN d.abstract IS NOT NULL THEN '1'
            ELSE '2'
        END || coalesce(CAST(d.publication_date AS VARCHAR), '9999-12-31') || d.doc_id
    ) AS representative
FROM family_doc_keys AS k
JOIN core.documents AS d USING (doc_id)
GROUP BY k.family_no;

CREATE OR REPLACE TEMP TABLE family_docdb AS
SELECT
    family_no,
    list_sort(list_distinct(list(docdb_family_id))) AS docdb_family_ids,
    count(DISTINCT signature) AS priority_sets
FROM family_doc_keys
WHERE docdb_family_id IS NOT NULL
GROUP BY family_no;

CREATE OR REPLACE TEMP TABLE family_classes AS
SELECT
    k.family_no,
    list_sort(list_distinct(string_split(string_agg(c.symbol, ' ') FILTER (WHERE c.scheme = 'CPC'), ' '))) AS cpc,
    list_sort(list_distinct(string_split(string_agg(c.symbol, ' ') FILTER (WHERE c.scheme = 'IPC'), ' '))) AS ipc
FROM core.document_classifications AS c
JOIN family_doc_keys AS k USING (doc_id)
GROUP BY k.family_no;

CREATE OR REPLACE TEMP TABLE family_applicants AS
SELECT
    k.family_no,
    list_sort(list_distinct(string_split(string_agg(p.name, chr(31)), chr(31)))) AS applicants,
    list_sort(list_distinct(string_split(string_agg(p.country, ' '), ' '))) AS applicant_countries
FROM core.document_parties AS p
JOIN family_doc_keys AS k USING (doc_id)
WHERE p.role = 'applicant'
GROUP BY k.family_no;

-- Distinct (cited, citing) family pairs are packed into one BIGINT, far cheaper to deduplicate than
-- count(DISTINCT). Self-citations are subtracted after counting rather than filtered by
-- citing <> cited, a predicate between the two key tables that an optimizer without statistics
-- may turn into a nested-loop join.
CREATE OR REPLACE TEMP TABLE family_forward_citations AS
SELECT
    pair >> 32 AS family_no,
    count(*) - max(CAST((pair >> 32) = (pair & 4294967295) AS INTEGER)) AS forward_citations
FROM (
    SELECT DISTINCT (CAST(cited.family_no AS BIGINT) << 32) | citing.family_no AS pair
    FROM core.document_citations AS c
    JOIN family_doc_keys AS citing ON citing.doc_id = c.doc_id
    JOIN family_doc_keys AS cited ON cited.doc_id = c.cited_id
)
GROUP BY pair >> 32;

CREATE OR REPLACE TABLE core.families AS
WITH office_lists AS (
    SELECT mask, list_filter(['CN', 'EP', 'JP', 'KR', 'US'], (office, i) -> (mask >> (i - 1)) & 1 = 1) AS offices
    FROM range(32) AS t(mask)
),
representatives AS (
    SELECT
        family_no,
        representative.doc_id,
        coalesce(representative.title_en,
                 CASE WHEN representative.title_lang = 'en' THEN representative.title END) AS title_english,
        representative.title,
        representative.title_lang,
        coalesce(representative.abstract_en,
                 CASE WHEN representative.abstract_lang = 'en' THEN representative.abstract END) AS abstract_english,
        representative.abstract,
        representative.abstract_lang
    FROM family_base
)
SELECT
    k.family_id,
    CAST(nullif(left(b.earliest, 10), '9999-12-31') AS DATE) AS earliest_priority_date,
    left(substr(b.earliest, 11), 2) AS first_filing_country,
    o.offices,
    bit_count(b.office_mask) AS family_size,
    b.member_count,
    r.doc_id AS representative_doc_id,
    coalesce(r.title_english, r.title) AS title,
    CASE WHEN r.title_english IS NOT NULL THEN 'en' ELSE r.title_lang END AS title_lang,
    coalesce(r.abstract_english, r.abstract) AS abstract,
    CASE WHEN r.abstract_english IS NOT NULL THEN 'en' ELSE r.abstract_lang END AS abstract_lang,
    coalesce(c.cpc, []) AS cpc,
    coalesce(c.ipc, []) AS ipc,
    coalesce(a.applicants, []) AS applicants,
    coalesce(a.applicant_countries, []) AS applicant_countries,
    coalesce(f.forward_citations, 0) AS forward_citations,
    substr(b.earliest, 11) AS earliest_priority_id,
    coalesce(dd.docdb_family_ids, []) AS docdb_family_ids,
    coalesce(x.family_id, k.family_id) AS extended_family_id,
    CASE
        WHEN b.fallback THEN 'fallback'
        WHEN dd.family_no IS NULL THEN 'priorities'
        WHEN dd.priority_sets > 1 THEN 'docdb'
        ELSE 'both'
    END AS linked_by
FROM family_base AS b
JOIN family_keys AS k USING (family_no)
JOIN representatives AS r USING (family_no)
JOIN office_lists AS o ON o.mask = b.office_mask
LEFT JOIN family_docdb AS dd USING (family_no)
LEFT JOIN family_classes AS c USING (family_no)
LEFT JOIN family_applicants AS a USING (family_no)
LEFT JOIN family_forward_citations AS f USING (family_no)
LEFT JOIN family_extended AS e ON e.node = b.family_no
LEFT JOIN family_keys AS x ON x.family_no = e.label;

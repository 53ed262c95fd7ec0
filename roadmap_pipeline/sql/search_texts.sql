-- search_texts_raw (temp): per family, every title and abstract of its members in every language,
-- its applicants, classes and priority year, and the text that is embedded (representative title +
-- abstract, English where a member has it). Normalized (NFKC, lower case) in Python afterwards.
CREATE OR REPLACE TEMP TABLE search_family_texts AS
SELECT
    m.family_id,
    string_agg(DISTINCT t.title, chr(10) ORDER BY t.title) AS ti,
    string_agg(DISTINCT t.abstract, chr(10) ORDER BY t.abstract) AS ab
FROM core.family_members AS m
JOIN (
    SELECT doc_id, unnest([title, title_en]) AS title, unnest([abstract, abstract_en]) AS abstract
    FROM core.documents
) AS t USING (doc_id)
GROUP BY m.family_id;

CREATE OR REPLACE TEMP TABLE search_texts_raw AS
SELECT
    CAST(row_number() OVER (ORDER BY f.family_id) - 1 AS BIGINT) AS row_no,
    f.family_id,
    s.ti,
    s.ab,
    array_to_string(f.applicants, chr(10)) AS ap,
    f.cpc,
    f.ipc,
    CAST(year(f.earliest_priority_date) AS INTEGER) AS py,
    trim(concat_ws('. ', nullif(trim(f.title), ''), nullif(trim(f.abstract), ''))) AS embed_text,
    coalesce(f.abstract_lang, f.title_lang) AS embed_lang,
    nullif(trim(f.abstract), '') IS NULL AS title_only
FROM core.families AS f
LEFT JOIN search_family_texts AS s USING (family_id);

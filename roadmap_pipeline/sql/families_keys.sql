-- family_keys, family_doc_keys (temp): an integer per simple family and, per document, the member columns attributes need.
-- Needs core.family_members. At a million documents, aggregating and joining on integers instead
-- of id strings, and reading core.family_members once, is what keeps the attributes within seconds.
CREATE OR REPLACE TEMP TABLE family_keys AS
SELECT family_id,
    CAST(row_number() OVER (ORDER BY family_id LIKE 'P%', lpad(family_id, 24, '0'), family_id) AS INTEGER) AS family_no
FROM (SELECT DISTINCT family_id FROM core.family_members);

CREATE OR REPLACE TEMP TABLE family_doc_keys AS
SELECT
    m.doc_id,
    k.family_no,
    m.docdb_family_id,
    m.fallback,
    array_to_string(m.priority_set, ' ') AS signature,
    coalesce(CAST(m.earliest_priority_date AS VARCHAR), '9999-12-31') || m.earliest_priority_id AS earliest
FROM core.family_members AS m
JOIN family_keys AS k USING (family_id);

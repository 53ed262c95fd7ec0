-- family_priority_sets (temp): each document's simple-family priority set, its signature and its earliest priority.
-- The set is what DOCDB builds its simple family on, its active priorities:
--   * a claim the source flags (DOCDB's priority-active-indicator, mirrored by the USPTO parser)
--     counts when active; DOCDB lists a document's own application, its continuation parents and
--     the PCT of a national-phase entry as inactive (OPS records of family 50474376);
--   * a claim without a flag (OPS biblio records, KIPRIS Paris claims) counts unless it is what
--     DOCDB would list inactive: the document's own application beside other claims, a PCT
--     application claimed beside an earlier priority, or an application that itself claims one of
--     this document's other priorities (a continuation parent);
--   * an inactive PCT application linked other than by national-phase entry (linkage A in DOCDB,
--     a continuation link from USPTO: a US "bypass" continuation of the PCT) joins the set, which
--     keeps the bypass continuation out of the national-phase family, as DOCDB does
--     (US-2022181889-A1, family 81849288, beside family 81854188 of KR-20200168607);
--   * a document with no counting claim is its own first filing: its set is the PCT of its
--     national-phase entry, else its own application id, else its doc_id (own_filing: the few
--     that families_fallback_edges.sql looks at).
-- Earliest priorities are picked with min() over 'YYYY-MM-DD' || id strings: deterministic on ties
-- and much cheaper than ordered aggregates at a million documents.

-- Unflagged claims, resolved. A continuation parent is an application of ours whose own claims
-- include another priority of the same document.
CREATE OR REPLACE TEMP TABLE family_unflagged_claims AS
WITH unflagged_docs AS (
    SELECT p.doc_id, count(*) AS n_claims, min(p.priority_date) AS first_claim_date
    FROM core.document_priorities AS p
    WHERE p.doc_id IN (SELECT doc_id FROM core.document_priorities WHERE active IS NULL)
    GROUP BY p.doc_id
),
unflagged AS (
    SELECT p.doc_id, p.priority_id, p.priority_date, u.n_claims, u.first_claim_date, d.application_id
    FROM core.document_priorities AS p
    JOIN unflagged_docs AS u USING (doc_id)
    JOIN core.documents AS d USING (doc_id)
    WHERE p.active IS NULL
),
parent_claims AS (
    SELECT DISTINCT d.application_id AS parent_id, p.priority_id AS claimed_id
    FROM core.documents AS d
    JOIN core.document_priorities AS p USING (doc_id)
    WHERE d.application_id IN (SELECT priority_id FROM unflagged WHERE n_claims > 1)
        AND p.priority_id <> d.application_id
),
parents AS (
    SELECT DISTINCT u.doc_id, u.priority_id
    FROM unflagged AS u
    JOIN parent_claims AS pc ON pc.parent_id = u.priority_id
    JOIN core.document_priorities AS other ON other.doc_id = u.doc_id AND other.priority_id = pc.claimed_id
    WHERE u.n_claims > 1
)
SELECT
    u.doc_id,
    u.priority_id,
    u.priority_date,
    CASE
        WHEN u.n_claims > 1 AND u.priority_id = u.application_id THEN false
        WHEN u.priority_id LIKE '%-W' AND u.priority_date > u.first_claim_date THEN false
        WHEN p.doc_id IS NOT NULL THEN false
        ELSE true
    END AS counts
FROM unflagged AS u
LEFT JOIN parents AS p USING (doc_id, priority_id);

CREATE OR REPLACE TEMP TABLE family_priority_sets AS
WITH resolved AS (
    SELECT doc_id, priority_id, priority_date, active AS counts,
        NOT active AND priority_id LIKE '%-W' AND linkage_type <> 'W' AS bypass_link,
        NOT active AND priority_id LIKE '%-W' AND coalesce(linkage_type, 'W') = 'W' AS national_phase_link
    FROM core.document_priorities
    WHERE active IS NOT NULL
    UNION ALL
    SELECT doc_id, priority_id, priority_date, counts, false, false
    FROM family_unflagged_claims
),
-- Most documents have one or two counting claims: their set is built from min and max alone; the
-- list aggregate, much slower at a million documents, runs only for the few with more.
counted AS (
    SELECT
        doc_id,
        count(*) AS n,
        min(priority_id) AS lowest,
        max(priority_id) AS highest,
        min(coalesce(CAST(priority_date AS VARCHAR), '9999-12-31') || priority_id) FILTER (WHERE counts) AS earliest
    FROM resolved
    WHERE counts OR bypass_link
    GROUP BY doc_id
    HAVING bool_or(counts)
),
longer AS (
    SELECT doc_id, list_sort(list_distinct(list(priority_id))) AS priority_set
    FROM resolved
    WHERE (counts OR bypass_link) AND doc_id IN (SELECT doc_id FROM counted WHERE n > 2)
    GROUP BY doc_id
),
sets AS (
    SELECT
        c.doc_id,
        CASE
            WHEN c.n > 2 THEN l.priority_set
            WHEN c.lowest = c.highest THEN [c.lowest]
            ELSE [c.lowest, c.highest]
        END AS priority_set,
        CASE
            WHEN c.n > 2 THEN array_to_string(l.priority_set, ' ')
            WHEN c.lowest = c.highest THEN c.lowest
            ELSE c.lowest || ' ' || c.highest
        END AS signature,
        c.earliest
    FROM counted AS c
    LEFT JOIN longer AS l USING (doc_id)
),
national_phase AS (
    SELECT doc_id, min(coalesce(CAST(priority_date AS VARCHAR), '9999-12-31') || priority_id) AS earliest
    FROM resolved
    WHERE national_phase_link
    GROUP BY doc_id
),
chosen AS (
    SELECT
        d.doc_id,
        d.docdb_family_id,
        s.doc_id IS NULL AND n.doc_id IS NULL AS own_filing,
        s.priority_set,
        s.signature,
        coalesce(substr(n.earliest, 11), d.application_id, d.doc_id) AS own_first_filing,
        coalesce(
            s.earliest,
            n.earliest,
            coalesce(CAST(d.filing_date AS VARCHAR), '9999-12-31') || coalesce(d.application_id, d.doc_id)
        ) AS earliest
    FROM core.documents AS d
    LEFT JOIN sets AS s USING (doc_id)
    LEFT JOIN national_phase AS n USING (doc_id)
)
SELECT
    doc_id,
    docdb_family_id,
    own_filing,
    coalesce(priority_set, [own_first_filing]) AS priority_set,
    coalesce(signature, own_first_filing) AS signature,
    substr(earliest, 11) AS earliest_priority_id,
    CAST(nullif(left(earliest, 10), '9999-12-31') AS DATE) AS earliest_priority_date
FROM chosen;

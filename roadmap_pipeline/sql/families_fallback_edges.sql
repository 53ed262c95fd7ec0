-- family_fallback_edges (temp): links between families without priority or DOCDB evidence that publish one invention, both directions.
-- Needs family_priority_sets (families_priority_sets.sql) and the macro family_title_key (families_title_key.sql).
-- Analysts' exports (a Lens list without priority numbers, Google Patents, a KIPRIS crawl) carry no
-- priority claim and no DOCDB family id, so each of their publications (or applications, where the
-- export gives the number) is a family of its own. A family takes part here only when none of its
-- documents has a priority claim or a DOCDB family id: evidence of those kinds is never overridden.
-- Its publications are matched on keys, a normalized title (original or English) with one
-- normalized applicant (legal forms such as INC, LLC, CO LTD dropped), and linked by filing date:
--   * the same filing date: one application published twice (US A1 and B2), or the national and
--     regional phases of one PCT application, which all take its filing date;
--   * in another office, a filing date within 12 months: a Paris-route filing and its first filing.
-- Same title and applicant are not enough: applicants file continuations and several applications
-- under one title (118 US publications of one applicant titled "Systems and methods of sensor data
-- fusion", five applications filed on one day). So documents of one office that repeat a kind code
-- under a key and a date (two A1, two B2), or list two application numbers, are several
-- applications and are not linked on that date; a 12-month link needs exactly one application under
-- the key on each side of it; and different filing dates in one office (continuations, later
-- divisionals) are never linked. Utility models (kinds U, Y) and designs (S) are keyed apart: a CN
-- invention patent and a utility model filed on one day under one title are two first filings.
-- Links are made between families (their priority-set signatures), as a star on the smallest per
-- key and date; connected_components.sql joins them. Measured in tests/test_families_fallback.py.

-- Documents without a priority claim or a DOCDB id (the few whose set is their own filing, checked
-- against the claims), under signatures that no member with either shares: a family joined by
-- DOCDB ids has a member with one under each of its signatures.
CREATE OR REPLACE TEMP TABLE family_fallback_candidates AS
WITH own AS (
    SELECT doc_id, signature FROM family_priority_sets WHERE own_filing AND docdb_family_id IS NULL
),
claimed AS (
    SELECT DISTINCT doc_id FROM core.document_priorities SEMI JOIN own USING (doc_id)
),
unclaimed AS (
    SELECT doc_id, signature FROM own ANTI JOIN claimed USING (doc_id)
),
evidenced AS (
    SELECT DISTINCT p.signature
    FROM family_priority_sets AS p
    SEMI JOIN unclaimed AS u USING (signature)
    WHERE p.docdb_family_id IS NOT NULL OR p.doc_id NOT IN (SELECT doc_id FROM unclaimed)
)
SELECT u.doc_id, u.signature AS node, d.office, d.kind, d.application_id, d.filing_date, d.title, d.title_en
FROM unclaimed AS u
ANTI JOIN evidenced AS e USING (signature)
JOIN core.documents AS d USING (doc_id)
WHERE d.filing_date IS NOT NULL;

-- Normalized titles (original and English) that two families share; only their documents go on,
-- so that a corpus without such titles never reads the parties.
CREATE OR REPLACE TEMP TABLE family_fallback_titles AS
WITH titles AS (
    SELECT DISTINCT doc_id, node,
        family_title_key(t) AS title_key
    FROM family_fallback_candidates, unnest([title, title_en]) AS u(t)
    WHERE t IS NOT NULL
)
SELECT doc_id, title_key
FROM (SELECT *, min(node) OVER w <> max(node) OVER w AS shared FROM titles WINDOW w AS (PARTITION BY title_key))
WHERE shared AND title_key <> '';

-- Applicant keys, in a table of their own: a filter on them in the statement that joins them would
-- be pushed below the join, normalizing every name of core.document_parties.
CREATE OR REPLACE TEMP TABLE family_fallback_applicants AS
SELECT DISTINCT p.doc_id, array_to_string(list_filter(
    string_split(regexp_replace(upper(strip_accents(p.name)), '[^\pL\pN]+', ' ', 'g'), ' '),
    w -> w <> '' AND NOT list_contains(
        ['INC', 'INCORPORATED', 'LTD', 'LIMITED', 'LLC', 'LLP', 'LP', 'CORP', 'CORPORATION', 'CO', 'COMPANY',
         'PLC', 'PTE', 'GMBH', 'AG', 'AKTIENGESELLSCHAFT', 'KG', 'SE', 'NV', 'BV', 'SA', 'SPA', 'SRL', 'SAS',
         'SARL', 'AB', 'OY', 'AS', 'KK', 'KABUSHIKI', 'KAISHA', 'LTDA', 'SDN', 'BHD', 'THE', '주식회사', '주',
         '株式会社'], w)
), ' ') AS applicant_key
FROM core.document_parties AS p
SEMI JOIN family_fallback_titles USING (doc_id)
WHERE p.role = 'applicant';

CREATE OR REPLACE TEMP TABLE family_fallback_keys AS
SELECT c.doc_id, c.node, c.office, c.kind, c.application_id, c.filing_date,
    t.title_key || chr(31) || a.applicant_key || chr(31)
        || CASE WHEN c.kind SIMILAR TO '[UY].*' THEN 'utility model' WHEN c.kind LIKE 'S%' THEN 'design' ELSE '' END AS key
FROM family_fallback_candidates AS c
JOIN family_fallback_titles AS t USING (doc_id)
JOIN family_fallback_applicants AS a USING (doc_id)
WHERE a.applicant_key <> '';

-- One row per (key, office, filing date): how many applications it holds, and its smallest family.
CREATE OR REPLACE TEMP TABLE family_fallback_units AS
SELECT key, office, filing_date, min(node) AS node,
    greatest(count(DISTINCT application_id), max(repeats)) AS applications
FROM (
    SELECT *, count(*) OVER (PARTITION BY key, office, filing_date, kind, application_id) AS repeats
    FROM family_fallback_keys
)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE family_fallback_edges AS
WITH same_date AS (
    SELECT k.node, min(k.node) OVER (PARTITION BY k.key, k.filing_date) AS hub
    FROM family_fallback_keys AS k
    JOIN family_fallback_units AS u USING (key, office, filing_date)
    WHERE u.applications = 1
),
nearby AS (
    SELECT u.key, u.office, u.filing_date, u.node, v.office AS other_office, v.filing_date AS other_date,
        v.node AS other_node,
        sum(v.applications) OVER (PARTITION BY u.key, u.office, u.filing_date, v.office) AS in_other_office
    FROM family_fallback_units AS u
    JOIN family_fallback_units AS v
        ON v.key = u.key AND v.office <> u.office
        AND v.filing_date BETWEEN u.filing_date - INTERVAL 12 MONTH AND u.filing_date + INTERVAL 12 MONTH
    WHERE u.applications = 1
),
paris AS (
    SELECT a.node, a.other_node AS hub
    FROM nearby AS a
    JOIN nearby AS b
        ON b.key = a.key AND b.office = a.other_office AND b.filing_date = a.other_date
        AND b.other_office = a.office AND b.other_date = a.filing_date
    WHERE a.filing_date < a.other_date AND a.in_other_office = 1 AND b.in_other_office = 1
),
links AS (
    SELECT node, hub, 'same filing date' AS evidence FROM same_date WHERE node <> hub
    UNION
    SELECT node, hub, 'priority year' FROM paris WHERE node <> hub
)
SELECT node AS src, hub AS dst, evidence FROM links
UNION
SELECT hub AS src, node AS dst, evidence FROM links;

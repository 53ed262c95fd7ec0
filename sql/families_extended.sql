-- family_extended (temp): the INPADOC-style extended family of each simple family (families linked by any shared application).
-- Needs family_keys and family_doc_keys (families_keys.sql). A link is any application id a member
-- lists, active or not (its own application, continuation parents, the PCT of a national-phase
-- entry, priorities), so a US continuation-in-part or a bypass continuation lands in the extended
-- family of its parent. Only ids listed by two families or more are links; they tie their
-- families as a star on the smallest family_no, and labels propagate by a recursive CTE until no
-- label shrinks, as in families_members.sql. family_no orders numeric DOCDB ids first (as
-- numbers), so the extended family is named after its smallest DOCDB family id.
CREATE OR REPLACE TEMP TABLE family_link_edges AS
WITH listed AS (
    SELECT DISTINCT k.link_id, f.family_no
    FROM (
        SELECT doc_id, priority_id AS link_id FROM core.document_priorities
        UNION ALL
        SELECT doc_id, application_id FROM core.documents WHERE application_id IS NOT NULL
    ) AS k
    JOIN family_doc_keys AS f USING (doc_id)
),
stars AS (
    SELECT link_id, family_no, min(family_no) OVER (PARTITION BY link_id) AS hub
    FROM listed
)
SELECT DISTINCT family_no AS src, hub AS dst FROM stars WHERE family_no <> hub
UNION
SELECT DISTINCT hub AS src, family_no AS dst FROM stars WHERE family_no <> hub;

CREATE OR REPLACE TEMP TABLE family_extended AS
WITH RECURSIVE cc(node, label) USING KEY (node) AS (
    SELECT DISTINCT src, src FROM family_link_edges
    UNION
    SELECT e.dst, min(cc.label)
    FROM cc
    JOIN family_link_edges AS e ON e.src = cc.node
    JOIN recurring.cc AS r ON r.node = e.dst
    GROUP BY e.dst
    HAVING min(cc.label) < min(r.label)
)
SELECT node AS family_no, label AS extended_family_no FROM cc;

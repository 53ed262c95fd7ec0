-- family_link_edges (temp): links between simple families that list the same application id, both directions; their
-- connected components (connected_components.sql, as family_extended) are the INPADOC-style extended families.
-- Needs family_keys and family_doc_keys (families_keys.sql). A link is any application id a member
-- lists, active or not (its own application, continuation parents, the PCT of a national-phase
-- entry, priorities), so a US continuation-in-part or a bypass continuation lands in the extended
-- family of its parent. Only ids listed by two families or more are links; they tie their
-- families as a star on the smallest family_no, and labels propagate by a recursive CTE until no
-- label shrinks (connected_components.sql). family_no orders numeric DOCDB ids first (as
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
